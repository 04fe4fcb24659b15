package dev.flagward.security.authentication;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import java.time.Instant;

/**
 * The columns every stored credential table shares (API tokens, PATs, signal endpoint tokens): the selector and
 * verifier minted by {@link CredentialFormat}, never the secret; expiry, creation and last use; and the two links
 * of a chain of rotations ({@code security.rotation}).
 */
@MappedSuperclass
public abstract class CredentialRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String selector;

    public byte[] verifier;

    /** Null: no expiry (API and signal endpoint tokens may have none; rotation sets one on the old token). */
    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "seen_at")
    public Instant seenAt;

    /** The selector of the credential this one replaced by rotation, or null. */
    public String replaces;

    /** The selector of the credential that replaced this one by rotation, or null. */
    @Column(name = "replaced_by")
    public String replacedBy;

    /** Its expiry has come by {@code now} (revoked, or ended by rotation's overlap). */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
