package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.EdgeIssueRequest;
import dev.flagward.apitoken.ApiTokenApi.EdgeTokenRequest;
import dev.flagward.apitoken.ApiTokenApi.ValidatedToken;
import dev.flagward.audit.Actor;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.ErrorDetail;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Edge's token issuing ({@code POST /edge/issue-token}, Unleash's edgeCreateOrReturnTokens) for a verified Edge client.
 * The tokens are ordinary API tokens, stored through {@link ApiTokenService}'s one insert (the limit, the scope, the
 * event); what is Edge's own is one token per pair, a secret derived rather than stored, and the nonce.
 */
@ApplicationScoped
public class EdgeTokenService {

    private static final Logger LOG = Logger.getLogger(EdgeTokenService.class);

    /** What a derived secret is for: part of what it is derived from, so no other use of the key can give it. */
    private static final String EDGE_SECRET_PURPOSE = "edge-issued-api-token";

    @Inject
    ApiTokenService apiTokens;
    @Inject
    ApiTokenRepository tokens;
    @Inject
    EdgeIssuedTokens issued;
    @Inject
    EdgeConfig config;
    @Inject
    SecretBox box;
    @Inject
    Clock clock;

    /**
     * A valid backend token for each requested environment and projects, in the order asked, the one already issued
     * for that pair when it is still usable, else a new one (stored and announced like any token: the limit, the event,
     * the cache). One token per pair: the pair is the primary key of what was issued, and issuing holds the creation
     * lock, so a concurrent call, on any replica, waits and then finds the first one's token. The secret is derived
     * from FLAGWARD_SECRETS_KEY and the token's selector, so it can be given again without being stored. The nonce is
     * recorded in the same transaction: a replay is 401, and a call that fails leaves its nonce unused.
     */
    public Uni<List<ValidatedToken>> issue(EdgeClients.Signed signed, EdgeIssueRequest request, Actor actor) {
        if (!box.available()) {
            return Uni.createFrom()
                    .failure(ApiException.operationDenied("Issuing tokens to Edge needs FLAGWARD_SECRETS_KEY "
                            + "(base64 of 32 random bytes): an issued token's secret is derived from it, so that it can be given again "
                            + "without being stored."));
        }
        List<NewToken> asked = validate(request);
        Instant now = clock.instant();
        List<String> minted = new ArrayList<>();
        return Panache.withTransaction(
                () -> issued.firstUseOfNonce(signed.clientId(), signed.nonce(), signed.rememberUntil(), now)
                        .invoke(first -> {
                            if (!first) {
                                throw ApiException.unauthorized("Replay detected: this x-nonce was used already.");
                            }
                        })
                        .chain(() -> AdvisoryLocks.hold(ApiTokenService.CREATE_LOCK))
                        .chain(() -> {
                            Map<String, ValidatedToken> byPair = new HashMap<>();
                            List<ValidatedToken> answers = new ArrayList<>();
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (int i = 0; i < asked.size(); i++) {
                                NewToken spec = asked.get(i);
                                String where = "/body/tokens/" + i;
                                chain = chain.chain(() -> {
                                    ValidatedToken known = byPair.get(pairKey(spec));
                                    return known != null
                                            ? Uni.createFrom().item(known)
                                            : tokenFor(spec, signed.clientId(), actor, where, now, minted)
                                                    .invoke(answer -> byPair.put(pairKey(spec), answer));
                                }).invoke(answers::add).replaceWithVoid();
                            }
                            return chain.replaceWith(answers);
                        }))
                .call(answers -> apiTokens.refresh(minted));
    }

    /** The pair's usable token, or a new one recorded as the pair's (its selector added to {@code minted}). */
    private Uni<ValidatedToken> tokenFor(NewToken spec, String clientId, Actor actor, String where, Instant now,
            List<String> minted) {
        String projectsKey = projectsKey(spec);
        return issued.selectorFor(spec.environment(), projectsKey)
                .chain(selector -> selector == null ? Uni.createFrom().nullItem() : tokens.findBySelector(selector))
                .chain(existing -> {
                    Uni<Void> retired = Uni.createFrom().voidItem();
                    if (existing != null) {
                        CredentialFormat.Minted again = secret(NewToken.prefixOf(existing), existing.selector);
                        if (usableFor(existing, spec, again, now)) {
                            return Uni.createFrom().item(answer(again.secret(), spec));
                        }
                        if (existing.replacedBy == null && !existing.expiredAt(now)
                                && !CredentialFormat.verifies(again.secret(), existing.verifier)) {
                            // Issued under another FLAGWARD_SECRETS_KEY: whoever holds that key can still derive its
                            // secret, so changing the key must end it, not leave a second live token for the pair.
                            LOG.warnf(
                                    "Edge token %s was issued under another FLAGWARD_SECRETS_KEY: it is expired and replaced "
                                            + "(if this repeats, the replicas do not share one key)",
                                    existing.selector);
                            existing.expiresAt = now;
                            minted.add(existing.selector);
                            retired = tokens.flush().replaceWithVoid();
                        }
                    }
                    if (apiTokens.readOnly()) {
                        throw ApiException
                                .license("The admin API is read-only (expired license): tokens already issued to "
                                        + "Edge are given, new ones are not created.");
                    }
                    CredentialFormat.Minted fresh = secret(spec.prefix(), CredentialFormat.newSelector());
                    return retired.chain(() -> apiTokens.insert(spec, fresh, actor, where))
                            .call(token -> issued.record(spec.environment(), projectsKey, token.id, clientId, now))
                            .invoke(token -> minted.add(token.selector))
                            .map(token -> answer(fresh.secret(), spec));
                });
    }

    /**
     * Still what the pair asks for, still working, and still the derived secret: not expired, not rotated (its
     * replacement's secret was not derived, so it could not be given), the same scope (a project deletion may have
     * narrowed it), and FLAGWARD_SECRETS_KEY unchanged. Otherwise a new token is issued for the pair.
     */
    private static boolean usableFor(ApiToken token, NewToken spec, CredentialFormat.Minted again, Instant now) {
        boolean scope = spec.projects() == null
                ? token.allProjects
                : !token.allProjects && token.projects.equals(spec.projects());
        return token.replacedBy == null && !token.expiredAt(now) && ApiTokenType.BACKEND.wireName().equals(token.type)
                && spec.environment().equals(token.environment) && scope
                && CredentialFormat.verifies(again.secret(), token.verifier);
    }

    private CredentialFormat.Minted secret(String prefix, String selector) {
        return CredentialFormat.assemble(prefix, selector, box.derive(EDGE_SECRET_PURPOSE, selector));
    }

    private static ValidatedToken answer(String secret, NewToken spec) {
        List<String> projects = spec.projects() == null ? List.of("*") : List.copyOf(spec.projects());
        return new ValidatedToken(secret, ApiTokenType.BACKEND.wireName(), projects, spec.environment());
    }

    private static String projectsKey(NewToken spec) {
        return EdgeIssuedTokens.projectsKey(spec.projects() == null ? null : List.copyOf(spec.projects()));
    }

    private static String pairKey(NewToken spec) {
        return spec.environment() + "\n" + projectsKey(spec);
    }

    /**
     * 400 with where: {@code tokens} required (at most flagward.edge.max-issue-pairs), each with a non-empty
     * environment other than {@code *} and a non-empty list of projects ({@code *} among them: every project). Names
     * as Unleash gives them: {@code enterprise_edge_<environment>_<projects>}, {@code []} for more than three.
     */
    private List<NewToken> validate(EdgeIssueRequest request) {
        if (request == null || request.tokens() == null) {
            throw ApiException.badData("The tokens property is required: a list of {environment, projects}.",
                    "/body/tokens");
        }
        if (request.tokens().size() > config.maxIssuePairs()) {
            throw ApiException.badData("At most " + config.maxIssuePairs() + " tokens can be asked for at once.",
                    "/body/tokens");
        }
        List<ErrorDetail> problems = new ArrayList<>();
        List<NewToken> out = new ArrayList<>();
        for (int i = 0; i < request.tokens().size(); i++) {
            EdgeTokenRequest pair = request.tokens().get(i);
            String where = "/body/tokens/" + i;
            if (pair == null) {
                problems.add(new ErrorDetail("Each entry must be an object {environment, projects}.", where));
                continue;
            }
            String environment = pair.environment() == null ? "" : pair.environment().strip();
            boolean oneEnvironment = !environment.isEmpty() && environment.length() <= 100 && !"*".equals(environment);
            if (!oneEnvironment) {
                problems.add(
                        new ErrorDetail("The environment must name one environment (not *).", where + "/environment"));
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
            out.add(new NewToken(name.length() > 255 ? "enterprise_edge_" + environment + "_[]" : name,
                    ApiTokenType.BACKEND,
                    environment, scoped, null));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badData(problems);
        }
        return out;
    }
}
