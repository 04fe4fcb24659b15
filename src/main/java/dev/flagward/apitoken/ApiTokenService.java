package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.access.LicenseState;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.keys.InstanceKeys;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.Principal;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The rules of API tokens (SPEC §4): who may see and change which, what a new token may be scoped to, the limit,
 * and the events. Changes are applied to this replica's credential cache after commit, before the response, and
 * reach the other replicas through the database's notifications. Storing a new token and deleting one are written
 * here once: {@link ProjectApiTokenService} and {@link EdgeTokenService} go through them.
 */
@ApplicationScoped
public class ApiTokenService implements LeakedCredentialRevoker {

    /** Serialises creations so the count-then-insert of the limit cannot be raced past. */
    static final long CREATE_LOCK = 0x466c61675f746f6bL;

    @Inject
    ApiTokenRepository tokens;
    @Inject
    ApiTokenQueries queries;
    @Inject
    ScopeService scopes;
    @Inject
    CredentialCache cache;
    @Inject
    InstanceKeys keys;
    @Inject
    AuditLog audit;
    @Inject
    ApiTokenConfig config;
    @Inject
    Clock clock;
    @Inject
    Instance<LicenseState> license;
    @Inject
    CredentialLifecycle lifecycle;

    private CredentialLifecycle.Kind<ApiToken> credentialKind;

    @PostConstruct
    void describeCredentialKind() {
        credentialKind = new CredentialLifecycle.Kind<>(ApiTokenCredentialSource.KIND, tokens, ApiTokenView::of,
                token -> token.selector, "The token", NewToken::prefixOf,
                old -> ApiException.badData("The token was already rotated (replaced by " + old.replacedBy
                        + "); rotate its replacement instead.", "/params/token"),
                this::requireRoom, "api-token-rotated", "token",
                token -> Map.of("kind", "api-token", "identifier", token.selector, "tokenName", token.tokenName));
    }

    /** Admin tokens are shown only to those who hold every permission (admin tokens, Admin users). */
    public List<ApiTokenView> list(Principal viewer) {
        return queries.all(mayManageAdminTokens(viewer));
    }

    public List<ApiTokenView> listByName(String tokenName, Principal viewer) {
        return queries.byName(tokenName, mayManageAdminTokens(viewer));
    }

    private static boolean mayManageAdminTokens(Principal principal) {
        return principal instanceof ApiTokenPrincipal
                || principal instanceof UserPrincipal user
                        && Permission.ADMIN.grantedTo(user.rootRole());
    }

    public Uni<ApiTokenView> create(CreateApiTokenRequest request, Actor actor) {
        return create(NewToken.of(request, clock.instant()), () -> Uni.createFrom().voidItem(), actor);
    }

    /** Creates a token once {@code precondition} holds, checked in the transaction under {@link #CREATE_LOCK}. */
    Uni<ApiTokenView> create(NewToken spec, Supplier<Uni<Void>> precondition, Actor actor) {
        CredentialFormat.Minted minted = CredentialFormat.mint(spec.prefix());
        return Panache.withTransaction(() -> AdvisoryLocks.hold(CREATE_LOCK)
                .chain(precondition::get)
                .chain(() -> insert(spec, minted, actor, "/body")))
                .call(token -> cache.refresh(ApiTokenCredentialSource.KIND, token.selector))
                .map(token -> ApiTokenView.withSecret(token, minted.secret()));
    }

    /**
     * Count-then-insert under the caller's {@link #CREATE_LOCK}: the limit, the scope (environment and projects must
     * exist; {@code where} is the body path errors name), the row and its event. The one way a token is stored.
     */
    Uni<ApiToken> insert(NewToken spec, CredentialFormat.Minted minted, Actor actor, String where) {
        return requireRoom()
                .chain(() -> checkScope(spec, where))
                .chain(() -> tokens.persistAndFlush(spec.row(minted, clock.instant(), actor.name())))
                .call(token -> audit.record("api-token-created", actor, ApiTokenView.of(token), null));
    }

    /** The instance-wide limit, checked under {@link #CREATE_LOCK} before a token is added (created or rotated). */
    private Uni<Void> requireRoom() {
        return tokens.count().invoke(count -> {
            if (count >= config.maxTokens()) {
                throw ApiException.exceedsLimit("This instance already holds the maximum of "
                        + config.maxTokens() + " API tokens. Delete unused tokens first.");
            }
        }).replaceWithVoid();
    }

    /**
     * Environment and projects must exist: 400 naming them, at {@code where}/environment and {@code where}/projects.
     * Unleash's words first (SPEC §4.3), then the environments that would work: a token created without environment
     * lands in "development", and a typo should not need a second request to fix.
     */
    private Uni<Void> checkScope(NewToken spec, String where) {
        Uni<Void> environment = scopes.environmentExists(spec.environment()).chain(exists -> {
            if (exists) {
                return Uni.createFrom().voidItem();
            }
            return scopes.listEnvironments().invoke(known -> {
                throw ApiException.badData("Environment=" + spec.environment() + " does not exist. Known: "
                        + String.join(", ", known.stream().map(view -> view.name()).toList()), where + "/environment");
            }).replaceWithVoid();
        });
        if (spec.projects() == null) {
            return environment;
        }
        return environment.chain(() -> scopes.unknownProjects(spec.projects())).invoke(missing -> {
            if (!missing.isEmpty()) {
                List<String> sorted = new ArrayList<>(new TreeSet<>(missing));
                throw ApiException.badData("Project=" + String.join(",", sorted) + " does not exist",
                        where + "/projects");
            }
        }).replaceWithVoid();
    }

    /** Reloads these tokens into this replica's cache, after the commit that changed them. */
    Uni<Void> refresh(List<String> selectors) {
        List<Uni<Void>> reloads = new ArrayList<>();
        selectors.forEach(selector -> reloads.add(cache.refresh(ApiTokenCredentialSource.KIND, selector)));
        return reloads.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(reloads).andFailFast().replaceWithVoid();
    }

    /** Whether the license has expired past its grace period, which makes the admin API read-only. */
    boolean readOnly() {
        return license.isResolvable() && license.get().readOnly();
    }

    /** Sets a new expiry; a past one revokes at once. An unknown token is left alone (200, as Unleash does). */
    public Uni<Void> updateExpiry(String tokenOrSelector, Instant expiresAt, Actor actor, Principal principal) {
        if (readOnly() && expiresAt.isAfter(clock.instant())) {
            return Uni.createFrom().failure(ApiException.license("The admin API is read-only (expired license): "
                    + "an expiry can only be moved to the past, which revokes the token."));
        }
        String selector = selectorOf(tokenOrSelector);
        return Panache.withTransaction(() -> tokens.findBySelector(selector).call(token -> {
            if (token == null) {
                return Uni.createFrom().nullItem();
            }
            requireManageable(token, principal, Permission.UPDATE_API_TOKEN);
            ApiTokenView before = ApiTokenView.of(token);
            token.expiresAt = expiresAt;
            return tokens.flush().call(() -> audit.record("api-token-updated", actor, ApiTokenView.of(token), before));
        }))
                .call(token -> token == null
                        ? Uni.createFrom().voidItem()
                        : cache.refresh(ApiTokenCredentialSource.KIND, selector))
                .replaceWithVoid();
    }

    /**
     * Rotates a token: a new secret with the same name, type, environment, projects and expiry, and the old one kept
     * until the overlap ends (Rotation). If the rotated token is itself a replacement, the one it replaced stops now,
     * so a chain never has more than two live tokens. Unknown → 404; an expired token → 400. Verbatim secrets rotate
     * into v2 ones.
     */
    public Uni<ApiTokenView> rotate(String tokenOrSelector, Rotation.Request request, Actor actor,
            Principal principal) {
        String selector = selectorOf(tokenOrSelector);
        return lifecycle.rotate(credentialKind, request,
                () -> AdvisoryLocks.hold(CREATE_LOCK).chain(() -> tokens.findBySelector(selector)).map(old -> {
                    if (old == null) {
                        throw ApiException.notFound("No API token matches; nothing was rotated.");
                    }
                    requireManageable(old, principal, Permission.UPDATE_API_TOKEN);
                    return old;
                }),
                (old, minted, now) -> {
                    ApiToken fresh = new ApiToken();
                    fresh.selector = minted.selector();
                    fresh.verifier = minted.verifier();
                    fresh.tokenName = old.tokenName;
                    fresh.type = old.type;
                    fresh.environment = old.environment;
                    fresh.allProjects = old.allProjects;
                    fresh.projects = new TreeSet<>(old.projects);
                    fresh.expiresAt = old.expiresAt;
                    fresh.createdAt = now;
                    fresh.createdBy = actor.name();
                    return fresh;
                },
                audit.by(actor))
                .map(rotated -> ApiTokenView.withSecret(rotated.fresh(), rotated.secret()));
    }

    /**
     * Deletes a token; it stops working on this replica before the response and on every other within a second.
     * An unknown token is answered 200 and nothing changes (as Unleash does).
     */
    public Uni<Void> delete(String tokenOrSelector, Actor actor, Principal principal) {
        return delete(tokenOrSelector, token -> token != null, actor, principal);
    }

    /**
     * The one deletion. {@code deletable} judges the token found (null: none) inside the transaction, so that what
     * is judged is what is deleted; false means nothing to do. Deleting a replacement unlinks its predecessor
     * (Rotation.forgetReplacement), so lists stop naming a token that no longer exists. Under the lock rotation
     * holds: a rotation of the same token cannot slip between reading the chain and changing it.
     */
    Uni<Void> delete(String tokenOrSelector, Predicate<ApiToken> deletable, Actor actor, Principal principal) {
        String selector = selectorOf(tokenOrSelector);
        return lifecycle.delete(credentialKind, () -> AdvisoryLocks.hold(CREATE_LOCK)
                .chain(() -> tokens.findBySelector(selector))
                .map(token -> {
                    if (!deletable.test(token)) {
                        return null;
                    }
                    requireManageable(token, principal, Permission.DELETE_API_TOKEN);
                    return token;
                }), "api-token-deleted", audit.by(actor));
    }

    private void requireManageable(ApiToken token, Principal principal, Permission permission) {
        if (ApiTokenType.ADMIN.wireName().equals(token.type) && !mayManageAdminTokens(principal)) {
            throw ApiException.permission(permission.name());
        }
    }

    /** The path parameter may be a full secret (minted or verbatim) or the public identifier shown in lists. */
    private String selectorOf(String tokenOrSelector) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(tokenOrSelector);
        if (parsed != null) {
            return parsed.selector();
        }
        if (CredentialFormat.looksLikeSelector(tokenOrSelector)
                || tokenOrSelector.startsWith(InstanceKeys.LEGACY_ID_PREFIX)) {
            return tokenOrSelector;
        }
        return keys.legacyId(tokenOrSelector);
    }

    @Override
    public CredentialLifecycle.Kind<?> credentialKind() {
        return credentialKind;
    }
}
