package dev.flagward.user;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/**
 * A link that sets a user's password once (a reset, or the welcome link of a new user), as stored: selector and
 * verifier, never the secret.
 */
@Entity
@Table(name = "password_reset_tokens")
@DynamicUpdate
public class PasswordResetToken {

    static final String RESET = "reset";
    static final String WELCOME = "welcome";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String selector;

    public byte[] verifier;

    @Column(name = "user_id")
    public long userId;

    /** {@link #RESET} or {@link #WELCOME}: which page the link opens, and what the mail says. */
    public String purpose;

    /** The Admin who asked for it, or null when the user asked by email. */
    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    /** Unused and not expired at {@code now}. */
    boolean usableAt(Instant now) {
        return usedAt == null && expiresAt.isAfter(now);
    }
}
