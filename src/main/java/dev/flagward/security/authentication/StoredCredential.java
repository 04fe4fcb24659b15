package dev.flagward.security.authentication;

import dev.flagward.security.principal.Principal;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A credential as kept in the in-process cache: the public selector, the SHA-256 verifier of the secret, the expiry
 * and who it authenticates as, plus what listings show (row id, creation time, last use). Never the secret.
 * <p>
 * One of these exists per credential (100,000 and more), so it is kept small: times as epoch microseconds (what
 * PostgreSQL stores), and the last use as a field of its own rather than a holder object. The last use is the one
 * mutable part: the database's value at load, moved forward by written batches (see {@link SeenAtWriter}).
 * <p>
 * A {@code suspended} entry was announced as changed by another replica and is being reloaded: it never
 * authenticates (fail closed), but listings still show it until the reload replaces or removes it.
 */
public final class StoredCredential {

    private static final long NEVER = Long.MIN_VALUE;

    private final String kind;
    private final String selector;
    private final byte[] verifier;
    private final Instant expiresAt;
    private final Principal principal;
    private final long id;
    private final long createdMicros;
    private final boolean suspended;
    private volatile long seenMicros;
    /** The full load that stored this entry (set by the cache before publishing it; see CredentialCache). */
    int generation;

    /** From a credential row: {@code createdAt} and {@code seenAt} (null: never used) as the database gives them. */
    public StoredCredential(String kind, String selector, byte[] verifier, Instant expiresAt, Principal principal,
            long id, OffsetDateTime createdAt, OffsetDateTime seenAt) {
        this(kind, selector, verifier, expiresAt, principal, id, micros(createdAt.toInstant()),
                seenAt == null ? NEVER : micros(seenAt.toInstant()), false);
    }

    private StoredCredential(String kind, String selector, byte[] verifier, Instant expiresAt, Principal principal,
            long id, long createdMicros, long seenMicros, boolean suspended) {
        this.kind = kind;
        this.selector = selector;
        this.verifier = verifier;
        this.expiresAt = expiresAt;
        this.principal = principal;
        this.id = id;
        this.createdMicros = createdMicros;
        this.seenMicros = seenMicros;
        this.suspended = suspended;
    }

    public String kind() {
        return kind;
    }

    public String selector() {
        return selector;
    }

    /** SHA-256 of the secret; never changed by callers. */
    public byte[] verifier() {
        return verifier;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Principal principal() {
        return principal;
    }

    /** The row id: ties of {@link #createdAt} are listed by it. */
    public long id() {
        return id;
    }

    public Instant createdAt() {
        return instant(createdMicros);
    }

    long createdMicros() {
        return createdMicros;
    }

    /** The last use this replica knows of from written batches (its own and announced ones), or null. */
    public Instant seenAt() {
        long seen = seenMicros;
        return seen == NEVER ? null : instant(seen);
    }

    public boolean suspended() {
        return suspended;
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /** Only ever moves forward. */
    synchronized void advanceSeen(Instant use) {
        long candidate = micros(use);
        if (candidate > seenMicros) {
            seenMicros = candidate;
        }
    }

    StoredCredential suspend() {
        return suspended
                ? this
                : new StoredCredential(kind, selector, verifier, expiresAt, principal, id, createdMicros, seenMicros,
                        true);
    }

    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + kind + ":" + selector + "]";
    }
}
