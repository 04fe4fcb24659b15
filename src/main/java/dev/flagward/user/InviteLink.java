package dev.flagward.user;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** An invite link (Unleash's public signup token) as stored: selector and verifier, never the secret. */
@Entity
@Table(name = "invite_links")
@DynamicUpdate
public class InviteLink {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String selector;

    public byte[] verifier;

    public String name;

    /** The root role a user who signs up gets: always Viewer (a read-only seat). */
    @Column(name = "root_role")
    public String rootRole;

    public boolean enabled;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Enabled and not expired at {@code now}: what Unleash reports as {@code enabled}, and what lets people sign up. */
    boolean openAt(Instant now) {
        return enabled && expiresAt.isAfter(now);
    }
}
