package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

/**
 * The read model of token listings, served from the credential cache: a listing by name is a map lookup, the full
 * listing a pass over memory, neither a database round trip (SPEC §10). The cache holds every token (loaded at
 * start, kept by LISTEN/NOTIFY), so a listing is as fresh as authentication itself: this replica's own changes at
 * once, another replica's within a notification's delivery. {@code seenAt} is the last use as written in batches
 * (by any replica, see {@code SeenTracker}), never this replica's uses not yet written: a poller's own request would
 * otherwise change the list it polls, and its ETag, on every call, and replicas would list different last uses.
 */
@Singleton
public class ApiTokenQueries {

    @Inject
    CredentialCache cache;

    /** Every token, newest first; admin tokens only when asked for. */
    public List<ApiTokenView> all(boolean includeAdmin) {
        return views(cache.ofKind(ApiTokenCredentialSource.KIND), includeAdmin);
    }

    public List<ApiTokenView> byName(String tokenName, boolean includeAdmin) {
        return views(cache.apiTokensNamed(tokenName), includeAdmin);
    }

    /**
     * The tokens scoped to this project, alone or with others (as Unleash lists a project's tokens), newest first.
     * Tokens of every project ({@code *}) are not the project's: they are listed at the instance level.
     */
    public List<ApiTokenView> inProject(String projectId) {
        List<StoredCredential> scoped = new ArrayList<>();
        for (StoredCredential credential : cache.ofKind(ApiTokenCredentialSource.KIND)) {
            if (credential.principal() instanceof ApiTokenPrincipal token && token.projects().contains(projectId)) {
                scoped.add(credential);
            }
        }
        return views(scoped, false);
    }

    private List<ApiTokenView> views(List<StoredCredential> credentials, boolean includeAdmin) {
        List<ApiTokenView> out = new ArrayList<>(credentials.size());
        for (StoredCredential credential : credentials) {
            if (credential.principal() instanceof ApiTokenPrincipal token
                    && (includeAdmin || token.type() != ApiTokenType.ADMIN)) {
                out.add(new ApiTokenView(credential.selector(), token.tokenName(), token.type().wireName(),
                        token.environment(), String.join(",", token.projects()), token.projects(),
                        credential.expiresAt(), credential.createdAt(), credential.seenAt(), null, true,
                        token.replaces(),
                        token.replacedBy()));
            }
        }
        return out;
    }
}
