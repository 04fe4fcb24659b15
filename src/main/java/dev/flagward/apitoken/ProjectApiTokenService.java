package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ProjectDeletionListener;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.Principal;
import dev.flagward.web.ApiException;
import dev.flagward.web.Validation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A project's API tokens (Unleash's project API token controller): the same tokens, limit, events and revocation as
 * {@link ApiTokenService}'s, seen through one project; and what deleting a project does to the tokens scoped to it.
 */
@ApplicationScoped
public class ProjectApiTokenService implements ProjectDeletionListener {

    @Inject
    ApiTokenService apiTokens;
    @Inject
    ApiTokenRepository tokens;
    @Inject
    ApiTokenQueries queries;
    @Inject
    ScopeService scopes;
    @Inject
    CredentialCache cache;
    @Inject
    AuditLog audit;
    @Inject
    Clock clock;

    /** The tokens scoped to this project (alone or with others), newest first; unknown project → 404. */
    public Uni<List<ApiTokenView>> list(String projectId) {
        return requireProject(projectId).map(x -> queries.inProject(projectId));
    }

    /**
     * A token of one project (Unleash's createProjectApiToken): the path's project is its only project. The body's
     * {@code projects} or {@code project}, if given, must say the same (Unleash ignores them; a token silently scoped
     * otherwise than asked would be a surprise). Unknown project → 404, after the body's own rules (400).
     */
    public Uni<ApiTokenView> create(String projectId, CreateApiTokenRequest request, Actor actor) {
        Validation.of(request)
                .check(request.projects() == null || request.projects().equals(List.of(projectId)),
                        "A project token belongs to the project in the path only; leave projects out or send [\""
                                + projectId + "\"].",
                        "projects")
                .check(request.project() == null || request.project().equals(projectId),
                        "A project token belongs to the project in the path only; leave project out.", "project")
                .orFail();
        NewToken spec = NewToken
                .of(new CreateApiTokenRequest(request.tokenName(), request.type(), request.environment(),
                        List.of(projectId), null, request.expiresAt()), clock.instant());
        return apiTokens.create(spec, () -> requireProject(projectId), actor);
    }

    /**
     * Deletes a token through one project (Unleash's deleteProjectApiToken): only a token whose projects are exactly
     * that project. A token of several projects including it is 400 (deleting it would take it from the others too);
     * any other token, including {@code *} tokens, unknown tokens and unknown projects, is not one of the project's
     * tokens: 404, as Unleash answers.
     */
    public Uni<Void> delete(String projectId, String tokenOrSelector, Actor actor, Principal principal) {
        return apiTokens.delete(tokenOrSelector, token -> {
            if (token == null || token.allProjects || !token.projects.contains(projectId)) {
                throw ApiException.notFound("The project " + projectId + " has no such API token.");
            }
            if (token.projects.size() != 1) {
                throw ApiException.badData("The token belongs to the projects " + String.join(", ", token.projects)
                        + ": delete it through /api/admin/api-tokens, not through one of its projects.",
                        "/params/token");
            }
            return true;
        }, actor, principal);
    }

    private Uni<Void> requireProject(String projectId) {
        return scopes.projectExists(projectId).invoke(exists -> {
            if (!exists) {
                throw ApiException.notFound("No project with the id " + projectId + " exists.");
            }
        }).replaceWithVoid();
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
        List<String> scoped = new ArrayList<>();
        for (var credential : cache.ofKind(ApiTokenCredentialSource.KIND)) {
            if (credential.principal() instanceof ApiTokenPrincipal token && token.projects().contains(projectId)) {
                scoped.add(credential.selector());
            }
        }
        return apiTokens.refresh(scoped);
    }
}
