package dev.flagward.signal;

import java.util.HashMap;

import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.security.rotation.CredentialLifecycle.LeakOutcome;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.signal.SignalApi.CreatedSignalEndpointToken;
import dev.flagward.signal.SignalApi.SignalEndpointRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenView;
import dev.flagward.signal.SignalApi.SignalEndpointView;
import dev.flagward.signal.SignalApi.SigningSecret;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Signal endpoints and their tokens (SPEC §6.1, §6.2): names, limits, events, and the signing secret. Every change
 * writes its event in the same transaction; token changes reach this replica's credential cache before the answer
 * and every other replica through the database's notifications.
 */
@ApplicationScoped
public class SignalEndpointService implements LeakedCredentialRevoker {

    static final Pattern NAME = Pattern.compile("^[a-z0-9_-]{1,100}$");
    /** Serialises endpoint creation, so the limit and the unique name hold under concurrency. */
    private static final long CREATE_LOCK = 0x466c61675f736967L;
    static final String SIGNING_PREFIX = "whsec_";
    /** How long the previous signing secret keeps verifying after a new one is made, so senders can switch. */
    static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SignalEndpointRepository endpoints;
    private final SignalEndpointTokenRepository tokens;
    private final AuditLog audit;
    private final CredentialCache cache;
    private final SecretBox secrets;
    private final SignalConfig config;
    private final Clock clock;
    private final CredentialLifecycle lifecycle;
    private final CredentialLifecycle.Kind<SignalEndpointToken> credentialKind;

    public SignalEndpointService(SignalEndpointRepository endpoints, SignalEndpointTokenRepository tokens, AuditLog audit,
                                 CredentialCache cache, SecretBox secrets, SignalConfig config, Clock clock,
                                 CredentialLifecycle lifecycle) {
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.audit = audit;
        this.cache = cache;
        this.secrets = secrets;
        this.config = config;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.credentialKind = new CredentialLifecycle.Kind<>(SignalTokenCredentialSource.KIND, tokens,
                SignalEndpointTokenView::of, token -> token.id, "The token", token -> SignalTokenCredentialSource.PREFIX,
                old -> ApiException.badData("The token was already rotated; rotate its replacement instead.", "/params/id"),
                // A token being replaced does not take a place: rotation works at the limit.
                CredentialLifecycle.Kind::noLimit, "signal-endpoint-token-rotated", "token",
                token -> Map.of("kind", "signal-endpoint-token", "identifier", token.id,
                        "signalEndpointId", token.signalEndpointId));
    }

    /** Every endpoint with its tokens (never their secrets), newest first. */
    public Uni<List<SignalEndpointView>> list() {
        return Panache.withSession(() -> endpoints.listNewestFirst().chain(all -> {
            if (all.isEmpty()) {
                return Uni.createFrom().item(List.<SignalEndpointView>of());
            }
            return tokens.listOf(all.stream().map(e -> e.id).toList()).map(found -> {
                Map<Long, List<SignalEndpointTokenView>> byEndpoint = new LinkedHashMap<>();
                found.forEach(t -> byEndpoint.computeIfAbsent(t.signalEndpointId, k -> new ArrayList<>())
                        .add(SignalEndpointTokenView.of(t)));
                return all.stream().map(e -> SignalEndpointView.of(e, byEndpoint.getOrDefault(e.id, List.of()))).toList();
            });
        }));
    }

    public Uni<SignalEndpointView> create(SignalEndpointRequest request, Actor actor) {
        validate(request);
        String name = request.name();
        return Panache.withTransaction(() -> AdvisoryLocks.hold(CREATE_LOCK)
                        .chain(() -> endpoints.count())
                        .invoke(count -> {
                            if (count >= config.maxEndpoints()) {
                                throw ApiException.exceedsLimit("This instance already holds the maximum of "
                                        + config.maxEndpoints() + " signal endpoints. Delete one first.");
                            }
                        })
                        .chain(() -> endpoints.nameTaken(name, null))
                        .chain(taken -> {
                            if (taken) {
                                throw nameExists(name);
                            }
                            SignalEndpoint endpoint = new SignalEndpoint();
                            endpoint.name = name;
                            endpoint.description = request.description();
                            endpoint.enabled = request.enabled() == null || request.enabled();
                            endpoint.createdAt = clock.instant();
                            endpoint.createdByUserId = actor.userId();
                            return endpoints.persistAndFlush(endpoint);
                        })
                        .map(endpoint -> SignalEndpointView.of(endpoint, List.of()))
                        .call(view -> audit.record("signal-endpoint-created", actor, view, null)))
                .onFailure(DatabaseErrors::isUniqueViolation).transform(e -> nameExists(name));
    }

    public Uni<SignalEndpointView> update(long id, SignalEndpointRequest request, Actor actor) {
        validate(request);
        return Panache.withTransaction(() -> require(id).chain(endpoint -> endpoints.nameTaken(request.name(), id)
                        .chain(taken -> {
                            if (taken) {
                                throw nameExists(request.name());
                            }
                            return view(endpoint).chain(before -> {
                                endpoint.name = request.name();
                                endpoint.description = request.description();
                                if (request.enabled() != null) {
                                    endpoint.enabled = request.enabled();
                                }
                                return endpoints.flush().chain(() -> view(endpoint))
                                        .call(after -> audit.record("signal-endpoint-updated", actor, after, before));
                            });
                        })))
                .onFailure(DatabaseErrors::isUniqueViolation).transform(e -> nameExists(request.name()));
    }

    /** {@code POST …/on} and {@code …/off}. */
    public Uni<SignalEndpointView> setEnabled(long id, boolean enabled, Actor actor) {
        return Panache.withTransaction(() -> require(id).chain(endpoint -> view(endpoint).chain(before -> {
            endpoint.enabled = enabled;
            return endpoints.flush().chain(() -> view(endpoint))
                    .call(after -> audit.record("signal-endpoint-updated", actor, after, before));
        })));
    }

    /** Deletes the endpoint, its tokens and its signals in one transaction; its tokens stop at once. */
    public Uni<Void> delete(long id, Actor actor) {
        return Panache.withTransaction(() -> require(id).chain(endpoint -> tokens.listOf(id).chain(owned ->
                        view(endpoint).chain(before -> endpoints.delete(endpoint)
                                .call(() -> audit.record("signal-endpoint-deleted", actor, null, before))
                                .replaceWith(owned)))))
                .invoke(owned -> owned.forEach(token -> cache.evict(token.selector)))
                .replaceWithVoid();
    }

    public Uni<List<SignalEndpointTokenView>> tokens(long endpointId) {
        return Panache.withSession(() -> require(endpointId).chain(() -> tokens.listOf(endpointId)))
                .map(list -> {
                    Map<String, Long> ids = new HashMap<>();
                    list.forEach(token -> ids.put(token.selector, token.id));
                    return list.stream().map(token -> SignalEndpointTokenView.of(token, ids)).toList();
                });
    }

    public Uni<CreatedSignalEndpointToken> createToken(long endpointId, SignalEndpointTokenRequest request, Actor actor) {
        validate(request);
        CredentialFormat.Minted minted = CredentialFormat.mint(SignalTokenCredentialSource.PREFIX);
        return Panache.withTransaction(() -> require(endpointId)
                        // One creation at a time per endpoint: the limit holds under concurrency.
                        .call(() -> AdvisoryLocks.hold("signal-endpoint-tokens:" + endpointId))
                        .chain(() -> tokens.countOf(endpointId))
                        .chain(count -> {
                            if (count >= config.maxTokensPerEndpoint()) {
                                throw ApiException.exceedsLimit("This signal endpoint already has the maximum of "
                                        + config.maxTokensPerEndpoint() + " tokens. Delete one first.");
                            }
                            SignalEndpointToken token = new SignalEndpointToken();
                            token.signalEndpointId = endpointId;
                            token.name = request.name().strip();
                            token.selector = minted.selector();
                            token.verifier = minted.verifier();
                            token.createdAt = clock.instant();
                            token.createdByUserId = actor.userId();
                            return tokens.persistAndFlush(token);
                        })
                        .call(token -> audit.record("signal-endpoint-token-created", actor, SignalEndpointTokenView.of(token), null)))
                .call(token -> cache.refresh(SignalTokenCredentialSource.KIND, token.selector))
                .map(token -> new CreatedSignalEndpointToken(token.id, token.name, token.signalEndpointId, token.createdAt,
                        token.createdByUserId, minted.secret(), null));
    }

    /**
     * Rotates an endpoint's token: a new secret with the same name (and expiry), the old one kept until the overlap
     * ends (Rotation). If the rotated token is itself a replacement, the one it replaced stops now, so a chain never
     * has more than two live tokens. Unknown endpoint or token → 404; an expired token → 400.
     */
    public Uni<CreatedSignalEndpointToken> rotateToken(long endpointId, long id, Rotation.Request request, Actor actor) {
        return lifecycle.rotate(credentialKind, request,
                        () -> require(endpointId)
                                .call(() -> AdvisoryLocks.hold("signal-endpoint-tokens:" + endpointId))
                                .chain(() -> requireToken(endpointId, id)),
                        (old, minted, now) -> {
                            SignalEndpointToken fresh = new SignalEndpointToken();
                            fresh.signalEndpointId = endpointId;
                            fresh.name = old.name;
                            fresh.selector = minted.selector();
                            fresh.verifier = minted.verifier();
                            fresh.createdAt = now;
                            fresh.createdByUserId = actor.userId();
                            fresh.expiresAt = old.expiresAt;
                            return fresh;
                        },
                        audit.by(actor))
                .map(rotated -> {
                    SignalEndpointToken fresh = rotated.fresh();
                    return new CreatedSignalEndpointToken(fresh.id, fresh.name, fresh.signalEndpointId, fresh.createdAt,
                            fresh.createdByUserId, rotated.secret(), rotated.replaced().id);
                });
    }

    public Uni<SignalEndpointTokenView> updateToken(long endpointId, long id, SignalEndpointTokenRequest request, Actor actor) {
        validate(request);
        return Panache.withTransaction(() -> requireToken(endpointId, id).chain(token -> {
            SignalEndpointTokenView before = SignalEndpointTokenView.of(token);
            token.name = request.name().strip();
            return tokens.flush().replaceWith(SignalEndpointTokenView.of(token))
                    .call(after -> audit.record("signal-endpoint-token-updated", actor, after, before));
        }));
    }

    /**
     * Deletes an endpoint's token. Deleting a replacement gives its predecessor back its place under the limit
     * (Rotation.forgetReplacement). Under the endpoint's token lock, as create and rotate: a rotation of the same
     * token cannot slip between reading the chain and changing it.
     */
    public Uni<Void> deleteToken(long endpointId, long id, Actor actor) {
        return lifecycle.delete(credentialKind, () -> require(endpointId)
                .call(() -> AdvisoryLocks.hold("signal-endpoint-tokens:" + endpointId))
                .chain(() -> requireToken(endpointId, id)), "signal-endpoint-token-deleted", audit.by(actor));
    }

    /**
     * A new Standard Webhooks signing secret ({@code whsec_} + base64 of 32 random bytes), shown once. The one it
     * replaces keeps verifying for {@link #ROTATION_OVERLAP}. Stored sealed with FLAGWARD_SECRETS_KEY.
     */
    public Uni<SigningSecret> createSigningSecret(long endpointId, Actor actor) {
        if (!secrets.available()) {
            return Uni.createFrom().failure(SecretBox.keyMissing("A signing secret"));
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Panache.withTransaction(() -> require(endpointId).chain(endpoint -> {
            if (endpoint.signingSecret != null) {
                endpoint.previousSecret = endpoint.signingSecret;
                endpoint.previousSecretUntil = clock.instant().plus(ROTATION_OVERLAP);
            }
            endpoint.signingSecret = secrets.seal(key, SigningKeys.context(endpointId));
            return endpoints.flush().call(() -> audit.record("signal-endpoint-signing-secret-created", actor,
                    Map.of("signalEndpointId", endpointId, "name", endpoint.name,
                            "previousValidUntil", String.valueOf(endpoint.previousSecretUntil)), null));
        })).replaceWith(new SigningSecret(SIGNING_PREFIX + Base64.getEncoder().encodeToString(key)));
    }

    /** Signatures are no longer required; the secret and any previous one are gone. */
    public Uni<Void> deleteSigningSecret(long endpointId, Actor actor) {
        return Panache.withTransaction(() -> require(endpointId).chain(endpoint -> {
            endpoint.signingSecret = null;
            endpoint.previousSecret = null;
            endpoint.previousSecretUntil = null;
            return endpoints.flush().call(() -> audit.record("signal-endpoint-signing-secret-deleted", actor, null,
                    Map.of("signalEndpointId", endpointId, "name", endpoint.name)));
        })).replaceWithVoid();
    }

    /** The endpoint, or 404 (to be called inside a session). */
    Uni<SignalEndpoint> require(long id) {
        return endpoints.findById(id).map(endpoint -> {
            if (endpoint == null) {
                throw ApiException.notFound("No signal endpoint with id " + id + " exists.");
            }
            return endpoint;
        });
    }

    private Uni<SignalEndpointToken> requireToken(long endpointId, long id) {
        return require(endpointId).chain(() -> tokens.findOf(endpointId, id)).map(token -> {
            if (token == null) {
                throw ApiException.notFound("Signal endpoint " + endpointId + " has no token with id " + id + ".");
            }
            return token;
        });
    }

    private Uni<SignalEndpointView> view(SignalEndpoint endpoint) {
        return tokens.listOf(endpoint.id).map(list -> SignalEndpointView.of(endpoint,
                list.stream().map(SignalEndpointTokenView::of).toList()));
    }

    private static ApiException nameExists(String name) {
        return ApiException.nameExists("A signal endpoint named " + name + " already exists.");
    }

    private static void validate(SignalEndpointRequest request) {
        Validation.of(request)
                .requireText(request.name(), "name", 100)
                .matches(request.name(), NAME, "name", "may only contain lower-case letters, digits, '_' and '-' (at most 100)")
                .maxLength(request.description(), "description", 1000)
                .orFail();
    }

    private static void validate(SignalEndpointTokenRequest request) {
        Validation.of(request).requireText(request.name(), "name", 255).orFail();
    }

    @Override
    public String kind() {
        return SignalTokenCredentialSource.KIND;
    }

    /** A leaked signal endpoint token whose secret matches is expired now. */
    @Override
    public Uni<LeakOutcome> revokeLeaked(String selector, String secret, Actor actor) {
        return lifecycle.revokeLeaked(credentialKind, selector, secret, audit.by(actor));
    }
}
