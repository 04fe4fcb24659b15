package dev.flagward.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission a resource method needs. Checked by {@link AccessFilter} before the body is read, so the order is
 * 401 → 403 → 415 → 400. Methods under {@code /api/admin} without it need {@link Permission#ADMIN} (fail closed).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Access {
    Permission value();
}
