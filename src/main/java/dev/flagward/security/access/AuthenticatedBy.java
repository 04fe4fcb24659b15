package dev.flagward.security.access;

import dev.flagward.security.authentication.CredentialSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method for callers holding a secret of one credential kind that is presented only on its own endpoint
 * (a signal endpoint's token on the inbound endpoint), in the {@code Authorization} header, raw or Bearer. The
 * filter authenticates it like any credential (401 first); what the principal may touch is the method's business.
 * Not the admin API: read-only mode does not apply, {@link Enterprise} does.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AuthenticatedBy {

    /** The credential kind ({@link CredentialSource#kind()}). */
    String value();
}
