package dev.flagward.security.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method anyone may call without credentials (sign-in, health, Edge validation, inbound signals, which
 * check their own token). Every resource method declares either this or {@link Access}; one with neither is refused
 * (see {@link AccessRule}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Public {
}
