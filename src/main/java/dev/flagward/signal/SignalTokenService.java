package dev.flagward.signal;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.signal.SignalApi.CreatedSignalEndpointToken;
import dev.flagward.signal.SignalApi.SignalEndpointTokenRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenView;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signal endpoint tokens (SPEC §6.2): the limit per endpoint, their events (in the changing transaction), rotation
 * and leaked-token revocation (both through {@link CredentialLifecycle}). A change reaches this replica's credential
 * cache before the answer and every other replica through the database's notifications.
 */
@ApplicationScoped
public class SignalTokenService implements LeakedCredentialRevoker {

    @Inject
    SignalEndpointService endpoints;
    @Inject
    SignalEndpointTokenRepository tokens;
    @Inject
    AuditLog audit;
    @Inject
    CredentialCache cache;
    @Inject
    SignalConfig config;
    @Inject
    Clock clock;
    @Inject
    CredentialLifecycle lifecycle;
    private CredentialLifecycle.Kind<SignalEndpointToken> credentialKind;

    @PostConstruct
    void describeCredentialKind() {
        credentialKind = new CredentialLifecycle.Kind<>(SignalTokenCredentialSource.KIND, tokens,
                SignalEndpointTokenView::of, token -> token.id, "The token",
                token -> SignalTokenCredentialSource.PREFIX,
                old -> ApiException.badData("The token was already rotated; rotate its replacement instead.",
                        "/params/id"),
                // A token being replaced does not take a place: rotation works at the limit.
                CredentialLifecycle.Kind::noLimit, "signal-endpoint-token-rotated", "token",
                token -> Map.of("kind", "signal-endpoint-token", "identifier", token.id,
                        "signalEndpointId", token.signalEndpointId));
    }

    /** An endpoint's tokens (never their secrets), with their rotation links. */
    public Uni<List<SignalEndpointTokenView>> list(long endpointId) {
        return Panache.withSession(() -> endpoints.require(endpointId).chain(() -> tokens.listOf(endpointId)))
                .map(list -> {
                    Map<String, Long> ids = new HashMap<>();
                    list.forEach(token -> ids.put(token.selector, token.id));
                    return list.stream().map(token -> SignalEndpointTokenView.of(token, ids)).toList();
                });
    }

    public Uni<CreatedSignalEndpointToken> create(long endpointId, SignalEndpointTokenRequest request, Actor actor) {
        validate(request);
        CredentialFormat.Minted minted = CredentialFormat.mint(SignalTokenCredentialSource.PREFIX);
        return Panache.withTransaction(() -> lockTokensOf(endpointId)
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
                .call(token -> audit.record("signal-endpoint-token-created", actor, SignalEndpointTokenView.of(token),
                        null)))
                .call(token -> cache.refresh(SignalTokenCredentialSource.KIND, token.selector))
                .map(token -> new CreatedSignalEndpointToken(token.id, token.name, token.signalEndpointId,
                        token.createdAt,
                        token.createdByUserId, minted.secret(), null));
    }

    /**
     * Rotates an endpoint's token: a new secret with the same name (and expiry), the old one kept until the overlap
     * ends (Rotation). If the rotated token is itself a replacement, the one it replaced stops now, so a chain never
     * has more than two live tokens. Unknown endpoint or token → 404; an expired token → 400.
     */
    public Uni<CreatedSignalEndpointToken> rotate(long endpointId, long id, Rotation.Request request, Actor actor) {
        return lifecycle.rotate(credentialKind, request, () -> lockedToken(endpointId, id),
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

    /** Renames a token. */
    public Uni<SignalEndpointTokenView> update(long endpointId, long id, SignalEndpointTokenRequest request,
            Actor actor) {
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
    public Uni<Void> delete(long endpointId, long id, Actor actor) {
        return lifecycle.delete(credentialKind, () -> lockedToken(endpointId, id), "signal-endpoint-token-deleted",
                audit.by(actor));
    }

    @Override
    public CredentialLifecycle.Kind<?> credentialKind() {
        return credentialKind;
    }

    /** The endpoint (or 404) under its token lock: one creation, rotation or deletion at a time, so the limit holds. */
    private Uni<SignalEndpoint> lockTokensOf(long endpointId) {
        return endpoints.require(endpointId).call(() -> AdvisoryLocks.hold("signal-endpoint-tokens:" + endpointId));
    }

    private Uni<SignalEndpointToken> lockedToken(long endpointId, long id) {
        return lockTokensOf(endpointId).chain(() -> requireToken(endpointId, id));
    }

    private Uni<SignalEndpointToken> requireToken(long endpointId, long id) {
        return endpoints.require(endpointId).chain(() -> tokens.findOf(endpointId, id)).map(token -> {
            if (token == null) {
                throw ApiException.notFound("Signal endpoint " + endpointId + " has no token with id " + id + ".");
            }
            return token;
        });
    }

    private static void validate(SignalEndpointTokenRequest request) {
        Validation.of(request).requireText(request.name(), "name", 255).orFail();
    }
}
