package dev.flagward.apitoken;

import dev.flagward.security.authentication.SqlCredentialSource;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * API tokens for the credential cache, read in pages by id ({@code flagward.api-tokens.load-page-size} rows): there
 * can be 100,000 of them.
 */
@Singleton
public class ApiTokenCredentialSource extends SqlCredentialSource {

    public static final String KIND = "api";

    private static final String SELECT = """
            select t.id, t.selector, t.verifier, t.token_name, t.type, t.environment, t.all_projects, t.expires_at,
                   t.created_at, t.seen_at, t.replaces, t.replaced_by,
                   case when t.all_projects then '{}'::text[]
                        else array(select p.project_id from api_token_projects p where p.token_id = t.id order by p.project_id)
                   end as projects
              from api_tokens t
            """;
    private static final List<String> ALL = List.of("*");

    /** Every secret no other kind claims: an API token's prefix is its scope ({@code <project>:<environment>.}). */
    public ApiTokenCredentialSource(Pool pool, ApiTokenConfig config) {
        super(pool, KIND, "", Channel.AUTHORIZATION_HEADER,
                new Rows("api_tokens", SELECT + " where t.id > $1 order by t.id limit $2",
                        SELECT + " where t.selector = $1",
                        config.loadPageSize()),
                RowMapping.perLoad(() -> {
                    Map<Object, Object> canonical = new HashMap<>();
                    return row -> toCredential(row, canonical);
                }));
    }

    /** Bootstrap secrets ({@code INIT_*_API_TOKENS}) may have any legacy form. */
    @Override
    public boolean acceptsVerbatim() {
        return true;
    }

    /**
     * A row to a cache entry. Names, environments and project lists repeat across thousands of tokens: each distinct
     * value is kept once per load (about 100 bytes less per token, 10 MB at 100,000 tokens).
     */
    private static StoredCredential toCredential(Row row, Map<Object, Object> canonical) {
        String selector = row.getString("selector");
        ApiTokenType type = ApiTokenType.fromWire(row.getString("type"));
        String environment = once(canonical, row.getString("environment"));
        List<String> projects = row.getBoolean("all_projects")
                ? ALL
                : once(canonical, List.of(row.getArrayOfStrings("projects")));
        OffsetDateTime expires = row.getOffsetDateTime("expires_at");
        return new StoredCredential(KIND, selector, row.getBuffer("verifier").getBytes(),
                expires == null ? null : expires.toInstant(),
                new ApiTokenPrincipal(selector, once(canonical, row.getString("token_name")), type,
                        environment == null ? "*" : environment, projects, row.getString("replaces"),
                        row.getString("replaced_by")),
                row.getLong("id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("seen_at"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T once(Map<Object, Object> canonical, T value) {
        return value == null ? null : (T) canonical.computeIfAbsent(value, v -> v);
    }
}
