package dev.flagward.apitoken;

import dev.flagward.security.authentication.CredentialRow;
import dev.flagward.security.principal.ApiTokenType;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.util.Set;
import java.util.TreeSet;

/**
 * An API token as stored: selector and verifier, never the secret. Dynamic updates, so that an admin change never
 * writes back a stale {@code seen_at} over the batch writer's.
 */
@Entity
@Table(name = "api_tokens")
@DynamicUpdate
public class ApiToken extends CredentialRow {

    @Column(name = "token_name")
    public String tokenName;

    /** Wire name of {@link ApiTokenType}. */
    public String type;

    /** Null for admin tokens (every environment). */
    public String environment;

    @Column(name = "all_projects")
    public boolean allProjects;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "api_token_projects", joinColumns = @JoinColumn(name = "token_id"))
    @Column(name = "project_id")
    public Set<String> projects = new TreeSet<>();

    @Column(name = "created_by")
    public String createdBy;
}
