package dev.flagward.signal;

import dev.flagward.security.authentication.CredentialRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

/** A signal endpoint's token as stored: selector and verifier, never the secret. */
@Entity
@Table(name = "signal_endpoint_tokens")
@DynamicUpdate
public class SignalEndpointToken extends CredentialRow {

    @Column(name = "signal_endpoint_id")
    public long signalEndpointId;

    public String name;

    @Column(name = "created_by_user_id")
    public Long createdByUserId;
}
