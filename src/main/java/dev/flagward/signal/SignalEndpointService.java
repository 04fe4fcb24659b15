package dev.flagward.signal;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.signal.SignalApi.SignalEndpointRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenView;
import dev.flagward.signal.SignalApi.SignalEndpointView;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Signal endpoints (SPEC §6.1, §6.2): names, the limit, and their events, each written in the same transaction as the
 * change. Their tokens are {@link SignalTokenService}'s, their signing secrets {@link SigningSecretService}'s.
 */
@ApplicationScoped
public class SignalEndpointService {

    static final Pattern NAME = Pattern.compile("^[a-z0-9_-]{1,100}$");
    /** Serialises endpoint creation, so the limit and the unique name hold under concurrency. */
    private static final long CREATE_LOCK = 0x466c61675f736967L;

    @Inject
    SignalEndpointRepository endpoints;
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
                return all.stream().map(e -> SignalEndpointView.of(e, byEndpoint.getOrDefault(e.id, List.of())))
                        .toList();
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
        return Panache
                .withTransaction(() -> require(id).chain(endpoint -> tokens.listOf(id)
                        .chain(owned -> view(endpoint).chain(before -> endpoints.delete(endpoint)
                                .call(() -> audit.record("signal-endpoint-deleted", actor, null, before))
                                .replaceWith(owned)))))
                .invoke(owned -> owned.forEach(token -> cache.evict(token.selector)))
                .replaceWithVoid();
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
                .matches(request.name(), NAME, "name",
                        "may only contain lower-case letters, digits, '_' and '-' (at most 100)")
                .maxLength(request.description(), "description", 1000)
                .orFail();
    }
}
