package dev.flagward.apitoken;

import dev.flagward.security.ApiTokenPrincipal;
import dev.flagward.security.ApiTokenType;
import dev.flagward.security.Authenticator;
import dev.flagward.security.CredentialSource;
import dev.flagward.security.SeenAtWriter;
import dev.flagward.security.StoredCredential;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * API tokens for the credential cache, read with the reactive client directly: loading 100,000 tokens at start
 * should cost rows, not entities.
 */
@Singleton
public class ApiTokenCredentialSource implements CredentialSource {

    private static final String SELECT = """
            select t.id, t.selector, t.verifier, t.token_name, t.type, t.environment, t.all_projects, t.expires_at,
                   t.created_at, t.seen_at,
                   case when t.all_projects then '{}'::text[]
                        else array(select p.project_id from api_token_projects p where p.token_id = t.id order by p.project_id)
                   end as projects
              from api_tokens t
            """;
    private static final List<String> ALL = List.of("*");

    private final Pool pool;

    public ApiTokenCredentialSource(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String kind() {
        return Authenticator.API_TOKEN_KIND;
    }

    @Override
    public Uni<List<StoredCredential>> loadAll() {
        return pool.query(SELECT).execute().map(ApiTokenCredentialSource::toCredentials);
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        return pool.preparedQuery(SELECT + " where t.selector = $1").execute(Tuple.of(selector))
                .map(rows -> {
                    List<StoredCredential> found = toCredentials(rows);
                    return found.isEmpty() ? null : found.get(0);
                });
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, "api_tokens", lastSeen);
    }

    /**
     * Rows to cache entries. Names, environments and project lists repeat across thousands of tokens: each distinct
     * value is kept once (about 100 bytes less per token, 10 MB at 100,000 tokens).
     */
    private static List<StoredCredential> toCredentials(RowSet<Row> rows) {
        List<StoredCredential> out = new ArrayList<>(rows.size());
        Map<Object, Object> canonical = new java.util.HashMap<>();
        for (Row row : rows) {
            String selector = row.getString("selector");
            ApiTokenType type = ApiTokenType.fromWire(row.getString("type"));
            String environment = once(canonical, row.getString("environment"));
            List<String> projects = row.getBoolean("all_projects") ? ALL : once(canonical, List.of(row.getArrayOfStrings("projects")));
            OffsetDateTime expires = row.getOffsetDateTime("expires_at");
            out.add(new StoredCredential(Authenticator.API_TOKEN_KIND, selector, row.getBuffer("verifier").getBytes(),
                    expires == null ? null : expires.toInstant(),
                    new ApiTokenPrincipal(selector, once(canonical, row.getString("token_name")), type,
                            environment == null ? "*" : environment, projects),
                    row.getLong("id"), instant(row, "created_at"), instant(row, "seen_at")));
        }
        return out;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    @SuppressWarnings("unchecked")
    private static <T> T once(Map<Object, Object> canonical, T value) {
        return value == null ? null : (T) canonical.computeIfAbsent(value, v -> v);
    }
}
