package dev.flagward.signal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;

/** A signal endpoint. Its signing secrets are sealed (AES-GCM), never in clear. */
@Entity
@Table(name = "signal_endpoints")
@DynamicUpdate
public class SignalEndpoint {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public String description;

    public boolean enabled;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by_user_id")
    public Long createdByUserId;

    @Column(name = "signing_secret")
    public byte[] signingSecret;

    @Column(name = "previous_secret")
    public byte[] previousSecret;

    @Column(name = "previous_secret_until")
    public Instant previousSecretUntil;
}
