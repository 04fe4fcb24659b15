package dev.flagward.signal;

import dev.flagward.security.Rotation;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A signal endpoint's token as stored: selector and verifier, never the secret. */
@Entity
@Table(name = "signal_endpoint_tokens")
@DynamicUpdate
public class SignalEndpointToken implements Rotation.Link {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "signal_endpoint_id")
    public long signalEndpointId;

    public String name;

    public String selector;

    public byte[] verifier;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by_user_id")
    public Long createdByUserId;

    @Column(name = "seen_at")
    public Instant seenAt;

    /** Null: no expiry. Set by rotation, to end the old token's overlap with its replacement. */
    @Column(name = "expires_at")
    public Instant expiresAt;

    /** The selector of the token this one replaced by rotation, or null. */
    public String replaces;

    /** The selector of the token that replaced this one by rotation, or null. */
    @Column(name = "replaced_by")
    public String replacedBy;

    @Override
    public String selector() {
        return selector;
    }

    @Override
    public byte[] verifier() {
        return verifier;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public void expireAt(Instant when) {
        expiresAt = when;
    }

    @Override
    public String replaces() {
        return replaces;
    }

    @Override
    public String replacedBy() {
        return replacedBy;
    }

    @Override
    public void linkReplaces(String predecessor) {
        replaces = predecessor;
    }

    @Override
    public void linkReplacedBy(String successor) {
        replacedBy = successor;
    }
}
