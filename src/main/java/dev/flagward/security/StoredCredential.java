package dev.flagward.security;

import java.time.Instant;

/**
 * A credential as kept in the in-process cache: the public selector, the SHA-256 verifier of the secret, the expiry
 * and who it authenticates as, plus what listings show (row id, creation time, last use). Never the secret.
 * <p>
 * A {@code suspended} entry was announced as changed by another replica and is being reloaded: it never
 * authenticates (fail closed), but listings still show it until the reload replaces or removes it.
 */
public record StoredCredential(String kind, String selector, byte[] verifier, Instant expiresAt, Principal principal,
                               long id, Instant createdAt, LastUse lastUse, boolean suspended) {

    public StoredCredential(String kind, String selector, byte[] verifier, Instant expiresAt, Principal principal,
                            long id, Instant createdAt, Instant seenAt) {
        this(kind, selector, verifier, expiresAt, principal, id, createdAt, new LastUse(seenAt), false);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    StoredCredential suspend() {
        return suspended ? this : new StoredCredential(kind, selector, verifier, expiresAt, principal, id, createdAt, lastUse, true);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + kind + ":" + selector + "]";
    }
}
