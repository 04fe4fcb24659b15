package dev.flagward.instance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One sign-in attempt, good or bad. Never holds the password. */
@Entity
@Table(name = "login_events")
public class LoginEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String username;

    @Column(name = "auth_type")
    public String authType;

    @Column(name = "created_at")
    public Instant createdAt;

    public boolean successful;

    public String ip;

    @Column(name = "failure_reason")
    public String failureReason;
}
