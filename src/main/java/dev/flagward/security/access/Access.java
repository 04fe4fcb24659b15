package dev.flagward.security.access;

import dev.flagward.security.principal.Permission;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The permission a resource method needs: the caller must authenticate and hold it. Such a method belongs to the
 * admin API, so it is also subject to the license's read-only mode when it writes. Read by {@link AccessRule}; a
 * method-level annotation ({@code Access} or {@link Public}) replaces the class-level one.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Access {

    Permission value();
}
