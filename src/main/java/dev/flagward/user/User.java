package dev.flagward.user;

import dev.flagward.security.principal.RootRole;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A user. Deleting one sets {@code deletedAt}: license seats count recently deleted users. */
@Entity
@Table(name = "users")
@DynamicUpdate
public class User {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String username;

    public String email;

    public String name;

    /** Name of {@link RootRole}. */
    @Column(name = "root_role")
    public String rootRole;

    /** bcrypt; null when the user cannot sign in with a password. */
    @Column(name = "password_hash")
    public String passwordHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "seen_at")
    public Instant seenAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /** The name a user signs in with and is shown by: the username, or the email when there is none. */
    public String loginName() {
        return username != null ? username : email;
    }
}
