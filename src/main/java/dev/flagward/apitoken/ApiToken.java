package dev.flagward.apitoken;

import dev.flagward.security.Rotation;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * An API token as stored: selector and verifier, never the secret. Dynamic updates, so that an admin change never
 * writes back a stale {@code seen_at} over the batch writer's.
 */
@Entity
@Table(name = "api_tokens")
@DynamicUpdate
public class ApiToken implements Rotation.Link {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String selector;

    public byte[] verifier;

    @Column(name = "token_name")
    public String tokenName;

    /** Wire name of {@link dev.flagward.security.ApiTokenType}. */
    public String type;

    /** Null for admin tokens (every environment). */
    public String environment;

    @Column(name = "all_projects")
    public boolean allProjects;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "api_token_projects", joinColumns = @JoinColumn(name = "token_id"))
    @Column(name = "project_id")
    public Set<String> projects = new TreeSet<>();

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "seen_at")
    public Instant seenAt;

    @Column(name = "created_by")
    public String createdBy;

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
