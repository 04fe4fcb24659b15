package dev.flagward.signal;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.signal.SignalApi.SigningSecret;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * An endpoint's Standard Webhooks signing secret (SPEC §6.3): while it is set, inbound calls must be signed with it.
 * The one secret kept recoverable, so it is stored sealed with FLAGWARD_SECRETS_KEY ({@link SigningKeys}).
 */
@ApplicationScoped
public class SigningSecretService {

    static final String SIGNING_PREFIX = "whsec_";
    /** How long the previous signing secret keeps verifying after a new one is made, so senders can switch. */
    static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SignalEndpointService endpointService;
    @Inject
    SignalEndpointRepository endpoints;
    @Inject
    AuditLog audit;
    @Inject
    SecretBox secrets;
    @Inject
    Clock clock;

    /**
     * A new signing secret ({@code whsec_} + base64 of 32 random bytes), shown once. The one it replaces keeps
     * verifying for {@link #ROTATION_OVERLAP}.
     */
    public Uni<SigningSecret> create(long endpointId, Actor actor) {
        if (!secrets.available()) {
            return Uni.createFrom().failure(SecretBox.keyMissing("A signing secret"));
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Panache.withTransaction(() -> endpointService.require(endpointId).chain(endpoint -> {
            if (endpoint.signingSecret != null) {
                endpoint.previousSecret = endpoint.signingSecret;
                endpoint.previousSecretUntil = clock.instant().plus(ROTATION_OVERLAP);
            }
            endpoint.signingSecret = secrets.seal(key, SigningKeys.context(endpointId));
            return endpoints.flush().call(() -> audit.record("signal-endpoint-signing-secret-created", actor,
                    Map.of("signalEndpointId", endpointId, "name", endpoint.name,
                            "previousValidUntil", String.valueOf(endpoint.previousSecretUntil)),
                    null));
        })).replaceWith(new SigningSecret(SIGNING_PREFIX + Base64.getEncoder().encodeToString(key)));
    }

    /** Signatures are no longer required; the secret and any previous one are gone. */
    public Uni<Void> delete(long endpointId, Actor actor) {
        return Panache.withTransaction(() -> endpointService.require(endpointId).chain(endpoint -> {
            endpoint.signingSecret = null;
            endpoint.previousSecret = null;
            endpoint.previousSecretUntil = null;
            return endpoints.flush().call(() -> audit.record("signal-endpoint-signing-secret-deleted", actor, null,
                    Map.of("signalEndpointId", endpointId, "name", endpoint.name)));
        })).replaceWithVoid();
    }
}
