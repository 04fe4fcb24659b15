package dev.flagward.security.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A write that stays allowed when an expired license has made the admin API read-only: revoking credentials (and
 * installing a license). Revocation is never blocked.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Revocation {
}
