package dev.flagward.security.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@link Public} method whose caller proves itself by an HMAC signature over the request, body included, which the
 * resource checks (Edge clients on {@code POST /edge/issue-token}, as Unleash has them): no credential the access
 * filter could check before the body is read. Read by {@link ApiContract}, which documents the scheme and the 401.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HmacSigned {
}
