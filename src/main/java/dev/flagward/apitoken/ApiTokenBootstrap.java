package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.authentication.CredentialKinds;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.web.AdvisoryLocks;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Inserts the API tokens given verbatim in {@code INIT_ADMIN_API_TOKENS}, {@code INIT_BACKEND_API_TOKENS}
 * ({@code INIT_CLIENT_API_TOKENS}) and {@code INIT_FRONTEND_API_TOKENS} when they are not there yet. Idempotent, and
 * safe when replicas start together (one transaction-scoped advisory lock). A malformed value stops start-up with a
 * message that names the variable and position, never the secret.
 */
@Singleton
public class ApiTokenBootstrap {

    private static final Logger LOG = Logger.getLogger(ApiTokenBootstrap.class);
    private static final long BOOTSTRAP_LOCK = 0x466c61675f696e69L;

    record Seed(String variable, int position, ApiTokenType type, String secret, String environment, String project) {}

    private final ApiTokenRepository tokens;
    private final ScopeService scopes;
    private final CredentialKinds kinds;
    private final ApiTokenCredentialSource source;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Seed> seeds;
    private final Pool pool;

    public ApiTokenBootstrap(ApiTokenRepository tokens, ScopeService scopes, CredentialKinds kinds,
            ApiTokenCredentialSource source, AuditLog audit,
            Clock clock, Pool pool,
            @ConfigProperty(name = "init.admin-api-tokens") Optional<String> admin,
            @ConfigProperty(name = "init.backend-api-tokens") Optional<String> backend,
            @ConfigProperty(name = "init.client-api-tokens") Optional<String> client,
            @ConfigProperty(name = "init.frontend-api-tokens") Optional<String> frontend) {
        this.tokens = tokens;
        this.scopes = scopes;
        this.kinds = kinds;
        this.source = source;
        this.audit = audit;
        this.clock = clock;
        this.pool = pool;
        List<Seed> parsed = new ArrayList<>();
        parse("INIT_ADMIN_API_TOKENS", admin, ApiTokenType.ADMIN, parsed);
        parse("INIT_BACKEND_API_TOKENS", backend, ApiTokenType.BACKEND, parsed);
        parse("INIT_CLIENT_API_TOKENS", client, ApiTokenType.CLIENT, parsed);
        parse("INIT_FRONTEND_API_TOKENS", frontend, ApiTokenType.FRONTEND, parsed);
        this.seeds = List.copyOf(parsed);
    }

    static void parse(String variable, Optional<String> value, ApiTokenType type, List<Seed> out) {
        if (value.isEmpty() || value.get().isBlank()) {
            return;
        }
        String[] secrets = value.get().split(",");
        for (int i = 0; i < secrets.length; i++) {
            String secret = secrets[i].strip();
            String where = variable + " value #" + (i + 1);
            if (secret.isEmpty()) {
                throw new IllegalStateException(where + " is empty");
            }
            int colon = secret.indexOf(':');
            int dot = colon < 0 ? -1 : secret.indexOf('.', colon);
            if (colon <= 0 || dot <= colon + 1 || dot == secret.length() - 1) {
                throw new IllegalStateException(where + " is not of the form <project>:<environment>.<secret>");
            }
            String project = secret.substring(0, colon);
            String environment = secret.substring(colon + 1, dot);
            if (type == ApiTokenType.ADMIN) {
                if (!project.equals("*") || !environment.equals("*")) {
                    throw new IllegalStateException(
                            where + " must start with *:*. (admin tokens cover every project and environment)");
                }
            } else if (environment.equals("*")) {
                throw new IllegalStateException(where + " names environment '*'; SDK tokens belong to one environment");
            } else if (project.equals("[]")) {
                throw new IllegalStateException(
                        where + " uses '[]' (several projects), which a verbatim secret cannot list; "
                                + "use '*' or one project id");
            }
            out.add(new Seed(variable, i + 1, type, secret, type == ApiTokenType.ADMIN ? null : environment,
                    project.equals("*") ? null : project));
        }
    }

    void onStart(@Observes @Priority(20) StartupEvent event) throws Throwable {
        if (seeds.isEmpty() || allPresent()) {
            return;
        }
        int inserted = VertxContextSupport
                .subscribeAndAwait(() -> Panache.withTransaction(() -> AdvisoryLocks.hold(BOOTSTRAP_LOCK)
                        .chain(this::insertMissing)));
        LOG.infof("Bootstrap API tokens: %d configured, %d inserted", seeds.size(), inserted);
    }

    /**
     * The common case of every start but the first: all configured secrets are stored already. One indexed query on
     * the reactive client answers it, without the Hibernate session (and its cold start) that inserting needs.
     */
    private boolean allPresent() {
        Set<String> selectors = new HashSet<>();
        for (Seed seed : seeds) {
            String selector = selectorOf(seed);
            if (selector == null) {
                return false; // the slow path reports it
            }
            selectors.add(selector);
        }
        long present = pool.preparedQuery("select count(*) from api_tokens where selector = any($1)")
                .execute(Tuple.of(selectors.toArray(String[]::new))).await().atMost(Duration.ofSeconds(30))
                .iterator().next().getLong(0);
        if (present == selectors.size()) {
            LOG.infof("Bootstrap API tokens: %d configured, all present", seeds.size());
            return true;
        }
        return false;
    }

    /** The stored selector of a configured secret, or null when it is v2-shaped with a checksum that fails. */
    private String selectorOf(Seed seed) {
        CredentialKinds.Presented presented = kinds.identifyAs(source, seed.secret());
        return presented == null ? null : presented.selector();
    }

    private Uni<Integer> insertMissing() {
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Seed seed : seeds) {
            chain = chain.chain(count -> insertIfMissing(seed).map(added -> added ? count + 1 : count));
        }
        return chain;
    }

    private Uni<Boolean> insertIfMissing(Seed seed) {
        String selector = selectorOf(seed);
        if (selector == null) {
            return Uni.createFrom().failure(new IllegalStateException(seed.variable() + " value #" + seed.position()
                    + " cannot be a secret: it is shaped like a Flagward v2 secret whose checksum fails, or is longer than 512 characters"));
        }
        return tokens.findBySelector(selector).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(false);
            }
            return checkScope(seed).chain(() -> {
                ApiToken token = new ApiToken();
                token.selector = selector;
                token.verifier = CredentialFormat.verifier(seed.secret());
                token.tokenName = seed.type().wireName();
                token.type = seed.type().wireName();
                token.environment = seed.environment();
                token.allProjects = seed.project() == null;
                if (seed.project() != null) {
                    token.projects.add(seed.project());
                }
                token.createdAt = clock.instant();
                token.createdBy = "init-api-tokens";
                return tokens.persistAndFlush(token);
            }).call(token -> audit.record("api-token-created", new Actor("init-api-tokens", null, null),
                    ApiTokenView.of(token), null)).map(token -> true);
        });
    }

    private Uni<Void> checkScope(Seed seed) {
        String where = seed.variable() + " value #" + seed.position();
        Uni<Void> environment = seed.environment() == null
                ? Uni.createFrom().voidItem()
                : scopes.environmentExists(seed.environment()).invoke(exists -> {
                    if (!exists) {
                        throw new IllegalStateException(where + " names environment '" + seed.environment()
                                + "', which does not exist");
                    }
                }).replaceWithVoid();
        if (seed.project() == null) {
            return environment;
        }
        return environment.chain(() -> scopes.unknownProjects(Set.of(seed.project()))).invoke(missing -> {
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        where + " names project '" + seed.project() + "', which does not exist");
            }
        }).replaceWithVoid();
    }
}
