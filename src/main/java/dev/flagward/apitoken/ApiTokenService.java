package dev.flagward.apitoken;

import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.web.ErrorDetail;
import java.util.HashMap;

import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ProjectDeletionListener;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.security.rotation.CredentialLifecycle.LeakOutcome;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.security.keys.InstanceKeys;
import dev.flagward.security.access.LicenseState;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.Principal;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import jakarta.enterprise.inject.Instance;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of API tokens (SPEC §4): who may see and change which, what a new token may be scoped to, the limit,
 * and the events. Changes are applied to this replica's credential cache after commit, before the response, and
 * reach the other replicas through the database's notifications.
 */
@ApplicationScoped
public class ApiTokenService implements ProjectDeletionListener, LeakedCredentialRevoker {

    private static final Logger LOG = Logger.getLogger(ApiTokenService.class);

    /** Serialises creations so the count-then-insert of the limit cannot be raced past. */
    private static final long CREATE_LOCK = 0x466c61675f746f6bL;
    static final String DEFAULT_ENVIRONMENT = "development";

    private final ApiTokenRepository tokens;
    private final ApiTokenQueries queries;
    private final ScopeService scopes;
    private final CredentialCache cache;
    private final InstanceKeys keys;
    private final AuditLog audit;
    private final ApiTokenConfig config;
    private final Clock clock;
    private final Instance<LicenseState> license;
    private final EdgeIssuedTokens edgeIssued;
    private final EdgeConfig edgeConfig;
    private final SecretBox box;
    private final CredentialLifecycle lifecycle;
    private final CredentialLifecycle.Kind<ApiToken> credentialKind;

    public ApiTokenService(ApiTokenRepository tokens, ApiTokenQueries queries, ScopeService scopes, CredentialCache cache, InstanceKeys keys,
                           AuditLog audit, ApiTokenConfig config, Clock clock, Instance<LicenseState> license,
                           EdgeIssuedTokens edgeIssued, EdgeConfig edgeConfig, SecretBox box, CredentialLifecycle lifecycle) {
        this.license = license;
        this.edgeIssued = edgeIssued;
        this.edgeConfig = edgeConfig;
        this.box = box;
        this.tokens = tokens;
        this.queries = queries;
        this.scopes = scopes;
        this.cache = cache;
        this.keys = keys;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.credentialKind = new CredentialLifecycle.Kind<>(ApiTokenCredentialSource.KIND, tokens, ApiTokenView::of,
                token -> token.selector, "The token", ApiTokenService::prefixOf,
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
        NewToken spec = validate(request);
        CredentialFormat.Minted minted = CredentialFormat.mint(spec.prefix());
        return Panache.withTransaction(() -> AdvisoryLocks.hold(CREATE_LOCK)
                        .chain(() -> insert(spec, minted, actor, "/body")))
                .call(token -> cache.refresh(ApiTokenCredentialSource.KIND, token.selector))
                .map(token -> ApiTokenView.withSecret(token, minted.secret()));
    }

    /**
     * A token of one project (Unleash's createProjectApiToken): the path's project is its only project. The body's
     * {@code projects} or {@code project}, if given, must say the same (Unleash ignores them; a token silently scoped
     * otherwise than asked would be a surprise). Unknown project → 404, after the body's own rules (400).
     */
    public Uni<ApiTokenView> createInProject(String projectId, CreateApiTokenRequest request, Actor actor) {
        Validation.of(request)
                .check(request.projects() == null || request.projects().equals(List.of(projectId)),
                        "A project token belongs to the project in the path only; leave projects out or send [\"" + projectId + "\"].",
                        "projects")
                .check(request.project() == null || request.project().equals(projectId),
                        "A project token belongs to the project in the path only; leave project out.", "project")
                .orFail();
        NewToken spec = validate(new CreateApiTokenRequest(request.tokenName(), request.type(), request.environment(),
                List.of(projectId), null, request.expiresAt()));
        CredentialFormat.Minted minted = CredentialFormat.mint(spec.prefix());
        return Panache.withTransaction(() -> AdvisoryLocks.hold(CREATE_LOCK)
                        .chain(() -> requireProject(projectId))
                        .chain(() -> insert(spec, minted, actor, "/body")))
                .call(token -> cache.refresh(ApiTokenCredentialSource.KIND, token.selector))
                .map(token -> ApiTokenView.withSecret(token, minted.secret()));
    }

    /** The tokens scoped to this project (alone or with others), newest first; unknown project → 404. */
    public Uni<List<ApiTokenView>> listInProject(String projectId) {
        return requireProject(projectId).map(x -> queries.inProject(projectId));
    }

    private Uni<Void> requireProject(String projectId) {
        return scopes.projectExists(projectId).invoke(exists -> {
            if (!exists) {
                throw ApiException.notFound("No project with the id " + projectId + " exists.");
            }
        }).replaceWithVoid();
    }

    /**
     * Count-then-insert under the caller's {@link #CREATE_LOCK}: the limit, the scope (environment and projects must
     * exist; {@code where} is the body path errors name), the row and its event. The one way a token is stored.
     */
    private Uni<ApiToken> insert(NewToken spec, CredentialFormat.Minted minted, Actor actor, String where) {
        return requireRoom()
                .chain(() -> checkScope(spec, where))
                .chain(() -> {
                    ApiToken token = new ApiToken();
                    token.selector = minted.selector();
                    token.verifier = minted.verifier();
                    token.tokenName = spec.tokenName();
                    token.type = spec.type().wireName();
                    token.environment = spec.environment();
                    token.allProjects = spec.projects() == null;
                    token.projects = spec.projects() == null ? new TreeSet<>() : new TreeSet<>(spec.projects());
                    token.expiresAt = spec.expiresAt();
                    token.createdAt = clock.instant();
                    token.createdBy = actor.name();
                    return tokens.persistAndFlush(token);
                })
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

    // ------------------------------------------------------------------ Edge's token issuing

    /** What a derived secret is for: part of what it is derived from, so no other use of the key can give it. */
    private static final String EDGE_SECRET_PURPOSE = "edge-issued-api-token";

    /**
     * Unleash's edgeCreateOrReturnTokens for a verified Edge client: a valid backend token for each requested
     * environment and projects, in the order asked, the one already issued for that pair when it is still usable, else
     * a new one (stored and announced like any token: the limit, the event, the cache). One token per pair: the pair is
     * the primary key of what was issued, and issuing holds the creation lock, so a concurrent call, on any replica,
     * waits and then finds the first one's token. The secret is derived from FLAGWARD_SECRETS_KEY and the token's
     * selector, so it can be given again without being stored. The nonce is recorded in the same transaction: a replay
     * is 401, and a call that fails leaves its nonce unused.
     */
    public Uni<List<ApiTokenApi.ValidatedToken>> issueForEdge(EdgeClients.Signed signed, ApiTokenApi.EdgeIssueRequest request,
                                                              Actor actor) {
        if (!box.available()) {
            return Uni.createFrom().failure(ApiException.operationDenied("Issuing tokens to Edge needs FLAGWARD_SECRETS_KEY "
                    + "(base64 of 32 random bytes): an issued token's secret is derived from it, so that it can be given again "
                    + "without being stored."));
        }
        List<NewToken> asked = validateEdgeRequest(request);
        Instant now = clock.instant();
        List<String> minted = new ArrayList<>();
        return Panache.withTransaction(() -> edgeIssued.firstUseOfNonce(signed.clientId(), signed.nonce(), signed.rememberUntil(), now)
                        .invoke(first -> {
                            if (!first) {
                                throw ApiException.unauthorized("Replay detected: this x-nonce was used already.");
                            }
                        })
                        .chain(() -> AdvisoryLocks.hold(CREATE_LOCK))
                        .chain(() -> {
                            Map<String, ApiTokenApi.ValidatedToken> byPair = new HashMap<>();
                            List<ApiTokenApi.ValidatedToken> answers = new ArrayList<>();
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (int i = 0; i < asked.size(); i++) {
                                NewToken spec = asked.get(i);
                                String where = "/body/tokens/" + i;
                                chain = chain.chain(() -> {
                                    ApiTokenApi.ValidatedToken known = byPair.get(pairKey(spec));
                                    return known != null ? Uni.createFrom().item(known)
                                            : edgeToken(spec, signed.clientId(), actor, where, now, minted)
                                                    .invoke(answer -> byPair.put(pairKey(spec), answer));
                                }).invoke(answers::add).replaceWithVoid();
                            }
                            return chain.replaceWith(answers);
                        }))
                .call(answers -> {
                    List<Uni<Void>> reloads = new ArrayList<>();
                    minted.forEach(selector -> reloads.add(cache.refresh(ApiTokenCredentialSource.KIND, selector)));
                    return reloads.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(reloads).andFailFast().replaceWithVoid();
                });
    }

    /** The pair's usable token, or a new one recorded as the pair's (its selector added to {@code minted}). */
    private Uni<ApiTokenApi.ValidatedToken> edgeToken(NewToken spec, String clientId, Actor actor, String where, Instant now,
                                                       List<String> minted) {
        String projectsKey = EdgeIssuedTokens.projectsKey(spec.projects() == null ? null : List.copyOf(spec.projects()));
        return edgeIssued.selectorFor(spec.environment(), projectsKey)
                .chain(selector -> selector == null ? Uni.createFrom().nullItem() : tokens.findBySelector(selector))
                .chain(existing -> {
                    Uni<Void> retired = Uni.createFrom().voidItem();
                    if (existing != null) {
                        CredentialFormat.Minted again = edgeSecret(prefixOf(existing), existing.selector);
                        if (usableFor(existing, spec, again, now)) {
                            return Uni.createFrom().item(edgeAnswer(again.secret(), spec));
                        }
                        if (existing.replacedBy == null && !existing.expiredAt(now)
                                && !CredentialFormat.verifies(again.secret(), existing.verifier)) {
                            // Issued under another FLAGWARD_SECRETS_KEY: whoever holds that key can still derive its
                            // secret, so changing the key must end it, not leave a second live token for the pair.
                            LOG.warnf("Edge token %s was issued under another FLAGWARD_SECRETS_KEY: it is expired and replaced "
                                    + "(if this repeats, the replicas do not share one key)", existing.selector);
                            existing.expiresAt = now;
                            minted.add(existing.selector);
                            retired = tokens.flush().replaceWithVoid();
                        }
                    }
                    if (license.isResolvable() && license.get().readOnly()) {
                        throw ApiException.license("The admin API is read-only (expired license): tokens already issued to "
                                + "Edge are given, new ones are not created.");
                    }
                    CredentialFormat.Minted fresh = edgeSecret(spec.prefix(), CredentialFormat.newSelector());
                    return retired.chain(() -> insert(spec, fresh, actor, where))
                            .call(token -> edgeIssued.record(spec.environment(), projectsKey, token.id, clientId, now))
                            .invoke(token -> minted.add(token.selector))
                            .map(token -> edgeAnswer(fresh.secret(), spec));
                });
    }

    /**
     * Still what the pair asks for, still working, and still the derived secret: not expired, not rotated (its
     * replacement's secret was not derived, so it could not be given), the same scope (a project deletion may have
     * narrowed it), and FLAGWARD_SECRETS_KEY unchanged. Otherwise a new token is issued for the pair.
     */
    private static boolean usableFor(ApiToken token, NewToken spec, CredentialFormat.Minted again, Instant now) {
        boolean scope = spec.projects() == null ? token.allProjects : !token.allProjects && token.projects.equals(spec.projects());
        return token.replacedBy == null && !token.expiredAt(now) && ApiTokenType.BACKEND.wireName().equals(token.type)
                && spec.environment().equals(token.environment) && scope
                && CredentialFormat.verifies(again.secret(), token.verifier);
    }

    private CredentialFormat.Minted edgeSecret(String prefix, String selector) {
        return CredentialFormat.assemble(prefix, selector, box.derive(EDGE_SECRET_PURPOSE, selector));
    }

    private static ApiTokenApi.ValidatedToken edgeAnswer(String secret, NewToken spec) {
        List<String> projects = spec.projects() == null ? List.of("*") : List.copyOf(spec.projects());
        return new ApiTokenApi.ValidatedToken(secret, ApiTokenType.BACKEND.wireName(), projects, spec.environment());
    }

    private static String pairKey(NewToken spec) {
        return spec.environment() + "\n" + EdgeIssuedTokens.projectsKey(spec.projects() == null ? null : List.copyOf(spec.projects()));
    }

    /**
     * 400 with where: {@code tokens} required (at most flagward.edge.max-issue-pairs), each with a non-empty
     * environment other than {@code *} and a non-empty list of projects ({@code *} among them: every project). Names
     * as Unleash gives them: {@code enterprise_edge_<environment>_<projects>}, {@code []} for more than three.
     */
    List<NewToken> validateEdgeRequest(ApiTokenApi.EdgeIssueRequest request) {
        if (request == null || request.tokens() == null) {
            throw ApiException.badData("The tokens property is required: a list of {environment, projects}.", "/body/tokens");
        }
        if (request.tokens().size() > edgeConfig.maxIssuePairs()) {
            throw ApiException.badData("At most " + edgeConfig.maxIssuePairs() + " tokens can be asked for at once.", "/body/tokens");
        }
        List<ErrorDetail> problems = new ArrayList<>();
        List<NewToken> out = new ArrayList<>();
        for (int i = 0; i < request.tokens().size(); i++) {
            ApiTokenApi.EdgeTokenRequest pair = request.tokens().get(i);
            String where = "/body/tokens/" + i;
            if (pair == null) {
                problems.add(new ErrorDetail("Each entry must be an object {environment, projects}.", where));
                continue;
            }
            String environment = pair.environment() == null ? "" : pair.environment().strip();
            boolean oneEnvironment = !environment.isEmpty() && environment.length() <= 100 && !"*".equals(environment);
            if (!oneEnvironment) {
                problems.add(new ErrorDetail("The environment must name one environment (not *).", where + "/environment"));
            }
            List<String> projects = pair.projects();
            if (projects == null || projects.isEmpty() || projects.size() > 100
                    || projects.stream().anyMatch(p -> p == null || p.isBlank() || p.length() > 100)) {
                problems.add(new ErrorDetail("The projects must be a list of 1 to 100 project ids, or [\"*\"].",
                        where + "/projects"));
                continue;
            }
            if (!oneEnvironment) {
                continue;
            }
            Set<String> scoped = projects.contains("*") ? null : new TreeSet<>(projects);
            String projectPart = scoped == null ? "*" : scoped.size() > 3 ? "[]" : String.join("_", scoped);
            String name = "enterprise_edge_" + environment + "_" + projectPart;
            out.add(new NewToken(name.length() > 255 ? "enterprise_edge_" + environment + "_[]" : name, ApiTokenType.BACKEND,
                    environment, scoped, null));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badData(problems);
        }
        return out;
    }

    /** Sets a new expiry; a past one revokes at once. An unknown token is left alone (200, as Unleash does). */
    public Uni<Void> updateExpiry(String tokenOrSelector, Instant expiresAt, Actor actor, Principal principal) {
        if (license.isResolvable() && license.get().readOnly() && expiresAt.isAfter(clock.instant())) {
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
                .call(token -> token == null ? Uni.createFrom().voidItem() : cache.refresh(ApiTokenCredentialSource.KIND, selector))
                .replaceWithVoid();
    }

    /**
     * Rotates a token: a new secret with the same name, type, environment, projects and expiry, and the old one kept
     * until the overlap ends (Rotation). If the rotated token is itself a replacement, the one it replaced stops now,
     * so a chain never has more than two live tokens. Unknown → 404; an expired token → 400. Verbatim secrets rotate
     * into v2 ones.
     */
    public Uni<ApiTokenView> rotate(String tokenOrSelector, Rotation.Request request, Actor actor, Principal principal) {
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

    /** The secret prefix a token of this scope is minted with (an admin token's is {@code *:*.}). */
    private static String prefixOf(ApiToken token) {
        String projectPart = token.allProjects ? "*" : token.projects.size() == 1 ? token.projects.iterator().next() : "[]";
        return projectPart + ":" + (token.environment == null ? "*" : token.environment) + ".";
    }

    /**
     * Deletes a token; it stops working on this replica before the response and on every other within a second.
     * An unknown token is answered 200 and nothing changes (as Unleash does).
     */
    public Uni<Void> delete(String tokenOrSelector, Actor actor, Principal principal) {
        return delete(selectorOf(tokenOrSelector), token -> token != null, actor, principal);
    }

    /**
     * Deletes a token through one project (Unleash's deleteProjectApiToken): only a token whose projects are exactly
     * that project. A token of several projects including it is 400 (deleting it would take it from the others too);
     * any other token, including {@code *} tokens, unknown tokens and unknown projects, is not one of the project's
     * tokens: 404, as Unleash answers.
     */
    public Uni<Void> deleteInProject(String projectId, String tokenOrSelector, Actor actor, Principal principal) {
        return delete(selectorOf(tokenOrSelector), token -> {
            if (token == null || token.allProjects || !token.projects.contains(projectId)) {
                throw ApiException.notFound("The project " + projectId + " has no such API token.");
            }
            if (token.projects.size() != 1) {
                throw ApiException.badData("The token belongs to the projects " + String.join(", ", token.projects)
                        + ": delete it through /api/admin/api-tokens, not through one of its projects.", "/params/token");
            }
            return true;
        }, actor, principal);
    }

    /**
     * The one deletion. {@code deletable} judges the token found (null: none) inside the transaction, so that what
     * is judged is what is deleted; false means nothing to do. Deleting a replacement unlinks its predecessor
     * (Rotation.forgetReplacement), so lists stop naming a token that no longer exists. Under the lock rotation
     * holds: a rotation of the same token cannot slip between reading the chain and changing it.
     */
    private Uni<Void> delete(String selector, Predicate<ApiToken> deletable, Actor actor, Principal principal) {
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

    @Override
    public Uni<Void> beforeProjectDeleted(String projectId, Actor actor) {
        return tokens.listScopedTo(projectId).flatMap(scoped -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ApiToken token : scoped) {
                ApiTokenView before = ApiTokenView.of(token);
                // Suspended now (fail closed); after commit this replica reloads it, and the database's
                // notification settles every other replica.
                cache.suspend(token.selector);
                if (token.projects.size() <= 1) {
                    chain = chain.call(() -> tokens.delete(token))
                            .call(() -> audit.record("api-token-deleted", actor, null, before));
                } else {
                    chain = chain.invoke(() -> token.projects.remove(projectId))
                            .call(() -> tokens.flush())
                            .call(() -> audit.record("api-token-updated", actor, ApiTokenView.of(token), before));
                }
            }
            return chain.call(() -> tokens.flush());
        });
    }

    @Override
    public Uni<Void> afterProjectDeleted(String projectId) {
        List<Uni<Void>> reloads = new ArrayList<>();
        for (var credential : cache.ofKind(ApiTokenCredentialSource.KIND)) {
            if (credential.principal() instanceof ApiTokenPrincipal token && token.projects().contains(projectId)) {
                reloads.add(cache.refresh(ApiTokenCredentialSource.KIND, credential.selector()));
            }
        }
        return reloads.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(reloads).andFailFast().replaceWithVoid();
    }

    private void requireManageable(ApiToken token, Principal principal, Permission permission) {
        if (ApiTokenType.ADMIN.wireName().equals(token.type) && !mayManageAdminTokens(principal)) {
            throw ApiException.permission(permission.name());
        }
    }

    /** The path parameter may be a full secret (minted or verbatim) or the public identifier shown in lists. */
    String selectorOf(String tokenOrSelector) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(tokenOrSelector);
        if (parsed != null) {
            return parsed.selector();
        }
        if (CredentialFormat.looksLikeSelector(tokenOrSelector) || tokenOrSelector.startsWith(InstanceKeys.LEGACY_ID_PREFIX)) {
            return tokenOrSelector;
        }
        return keys.legacyId(tokenOrSelector);
    }

    /** A validated create request. {@code projects} null means all projects. */
    record NewToken(String tokenName, ApiTokenType type, String environment, Set<String> projects, Instant expiresAt) {

        String prefix() {
            String projectPart = projects == null ? "*" : projects.size() == 1 ? projects.iterator().next() : "[]";
            return projectPart + ":" + environment + ".";
        }
    }

    NewToken validate(CreateApiTokenRequest request) {
        Validation validation = Validation.of(request).requireText(request.tokenName(), "tokenName", 255);
        ApiTokenType type = ApiTokenType.fromWire(request.type());
        validation.check(request.type() != null && !request.type().isBlank(), "The type property is required.", "type");
        validation.check(request.type() == null || request.type().isBlank() || type != null,
                "The type must be one of client, backend or frontend.", "type");
        validation.check(type != ApiTokenType.ADMIN,
                "Admin tokens cannot be created through the API; configure them with INIT_ADMIN_API_TOKENS.", "type");
        String environment = request.environment() == null ? DEFAULT_ENVIRONMENT : request.environment().strip();
        validation.check(!environment.isEmpty(), "The environment may not be empty.", "environment");
        validation.check(!"*".equals(environment),
                "Client, backend and frontend tokens belong to one environment; '*' is not allowed.", "environment");
        List<String> projects = request.projects();
        if (projects == null && request.project() != null) {
            projects = List.of(request.project());
        } else if (projects != null && request.project() != null
                && !(projects.size() == 1 && projects.get(0).equals(request.project()))) {
            validation.check(false, "project and projects disagree; send only projects.", "project");
        }
        if (projects == null) {
            projects = List.of("*");
        }
        validation.check(!projects.isEmpty(), "The projects list may not be empty; use [\"*\"] for all projects.", "projects");
        validation.check(projects.stream().allMatch(p -> p != null && !p.isBlank() && p.length() <= 100),
                "Every project must be a non-empty id.", "projects");
        validation.check(request.expiresAt() == null || request.expiresAt().isAfter(clock.instant()),
                "The expiresAt date must be in the future.", "expiresAt");
        validation.orFail();
        Set<String> scoped = projects.contains("*") ? null : new LinkedHashSet<>(projects);
        return new NewToken(request.tokenName().strip(), type, environment, scoped, request.expiresAt());
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
                throw ApiException.badData("Project=" + String.join(",", sorted) + " does not exist", where + "/projects");
            }
        }).replaceWithVoid();
    }

    @Override
    public String kind() {
        return ApiTokenCredentialSource.KIND;
    }

    /** A leaked token whose secret matches is expired now (kept in lists as expired, so the leak stays visible). */
    @Override
    public Uni<LeakOutcome> revokeLeaked(String selector, String secret, Actor actor) {
        return lifecycle.revokeLeaked(credentialKind, selector, secret, audit.by(actor));
    }
}
