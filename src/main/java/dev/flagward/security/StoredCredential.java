package dev.flagward.security;

import java.time.Instant;

/**
 * A credential as kept in the in-process cache: the public selector, the SHA-256 verifier of the secret, the expiry
 * and who it authenticates as. Never the secret.
 */
public record StoredCredential(String kind, String selector, byte[] verifier, Instant expiresAt, Principal principal) {

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + kind + ":" + selector + "]";
    }
}
