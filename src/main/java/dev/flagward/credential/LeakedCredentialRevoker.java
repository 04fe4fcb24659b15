package dev.flagward.credential;

import dev.flagward.audit.Actor;
import dev.flagward.security.rotation.CredentialLifecycle.LeakOutcome;
import io.smallrye.mutiny.Uni;

/**
 * A port: each feature that owns a kind of long-lived credential (API tokens, PATs, signal endpoint tokens)
 * revokes one of its credentials reported as leaked. Sessions have none: they are short-lived and never pasted
 * into files.
 */
public interface LeakedCredentialRevoker {

    /** The credential kind this revoker owns ({@code CredentialSource.kind()}). */
    String kind();

    /**
     * Revokes the live credential with this selector if the secret is its secret (constant-time check against the
     * stored verifier), in one transaction with its event {@code credential-leak-revoked}; every replica stops
     * accepting it within a second. Written once, in {@code security.CredentialLifecycle.revokeLeaked}.
     */
    Uni<LeakOutcome> revokeLeaked(String selector, String secret, Actor actor);
}
