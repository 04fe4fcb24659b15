package dev.flagward.apitoken;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The queries of Edge's token issuing, in the caller's transaction: which token a pair was issued, and the nonces of
 * signed requests (V17).
 */
@ApplicationScoped
public class EdgeIssuedTokens {

    /**
     * Records a signed request's nonce; false when this client has used it already (a replay, from any replica: the
     * primary key decides between two at once). Nonces past their time are dropped first, so the table holds only
     * what could still be replayed.
     */
    public Uni<Boolean> firstUseOfNonce(String clientId, String nonce, Instant rememberUntil, Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from edge_request_nonces where expires_at < :now")
                .setParameter("now", utc(now)).executeUpdate()
                .chain(() -> session.createNativeQuery("insert into edge_request_nonces (client_id, nonce, expires_at) "
                        + "values (:client, :nonce, :until) on conflict do nothing")
                        .setParameter("client", clientId).setParameter("nonce", nonce)
                        .setParameter("until", utc(rememberUntil))
                        .executeUpdate()))
                .map(inserted -> inserted == 1);
    }

    /** The selector of the token issued for this pair, or null. */
    public Uni<String> selectorFor(String environment, String projectsKey) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select t.selector from edge_issued_tokens e join api_tokens t on t.id = e.token_id "
                        + "where e.environment = :environment and e.projects_key = :projects", String.class)
                .setParameter("environment", environment).setParameter("projects", projectsKey)
                .getResultList())
                .map(found -> found.isEmpty() ? null : found.get(0));
    }

    /** From now on this pair's token is this one (a first issue, or one that replaces a token no longer usable). */
    public Uni<Integer> record(String environment, String projectsKey, long tokenId, String clientId, Instant now) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery(
                        "insert into edge_issued_tokens (environment, projects_key, token_id, client_id, issued_at) "
                                + "values (:environment, :projects, :token, :client, :now) on conflict (environment, projects_key) "
                                + "do update set token_id = excluded.token_id, client_id = excluded.client_id, issued_at = excluded.issued_at")
                .setParameter("environment", environment).setParameter("projects", projectsKey)
                .setParameter("token", tokenId).setParameter("client", clientId).setParameter("now", utc(now))
                .executeUpdate());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static String projectsKey(List<String> sortedProjects) {
        return sortedProjects == null ? "*" : String.join(",", sortedProjects);
    }
}
