package dev.flagward.pat;

import dev.flagward.security.Rotation;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A personal access token as stored: selector and verifier, never the secret. */
@Entity
@Table(name = "personal_access_tokens")
@DynamicUpdate
public class Pat implements Rotation.Link {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_id")
    public long userId;

    public String selector;

    public byte[] verifier;

    public String description;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "seen_at")
    public Instant seenAt;

    /** The selector of the PAT this one replaced by rotation, or null. */
    public String replaces;

    /** The selector of the PAT that replaced this one by rotation, or null. */
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
