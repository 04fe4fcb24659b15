package dev.flagward.pat;

import dev.flagward.security.authentication.CredentialRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/** A personal access token as stored: selector and verifier, never the secret. Its expiry is never null. */
@Entity
@Table(name = "personal_access_tokens")
@DynamicUpdate
public class Pat extends CredentialRow {

    @Column(name = "user_id")
    public long userId;

    public String description;
}
