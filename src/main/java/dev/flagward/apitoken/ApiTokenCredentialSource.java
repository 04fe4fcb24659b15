package dev.flagward.apitoken;

import dev.flagward.security.ApiTokenPrincipal;
import dev.flagward.security.ApiTokenType;
import dev.flagward.security.CredentialSource;
import dev.flagward.security.SeenAtWriter;
import dev.flagward.security.StoredCredential;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * API tokens for the credential cache, read with the reactive client directly: loading 100,000 tokens at start
 * should cost rows, not entities.
 */
@Singleton
public class ApiTokenCredentialSource implements CredentialSource {

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

    private final Pool pool;
    private final int page;

    public ApiTokenCredentialSource(Pool pool, ApiTokenConfig config) {
        this.pool = pool;
        this.page = config.loadPageSize();
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Every secret no other kind claims: an API token's prefix is its scope ({@code <project>:<environment>.}). */
    @Override
    public String prefix() {
        return "";
    }

    @Override
    public Channel channel() {
        return Channel.AUTHORIZATION_HEADER;
    }

    /** Bootstrap secrets ({@code INIT_*_API_TOKENS}) may have any legacy form. */
    @Override
    public boolean acceptsVerbatim() {
        return true;
    }

    /**
     * Every token, read in pages by id ({@code flagward.api-tokens.load-page-size} rows): a single result of 100,000 rows would be buffered and
     * decoded whole (tens of MB at once on a 112 MB heap), a page at a time keeps the peak to the cache itself.
     */
    @Override
    public Uni<Void> loadAll(Consumer<StoredCredential> sink) {
        return loadFrom(0L, sink, new HashMap<>());
    }

    private Uni<Void> loadFrom(long afterId, Consumer<StoredCredential> sink, Map<Object, Object> canonical) {
        return pool.preparedQuery(SELECT + " where t.id > $1 order by t.id limit $2").execute(Tuple.of(afterId, page))
                .chain(rows -> {
                    long last = afterId;
                    for (Row row : rows) {
                        sink.accept(toCredential(row, canonical));
                        last = row.getLong("id");
                    }
                    return rows.size() < page ? Uni.createFrom().voidItem() : loadFrom(last, sink, canonical);
                });
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        return pool.preparedQuery(SELECT + " where t.selector = $1").execute(Tuple.of(selector))
                .map(rows -> rows.size() == 0 ? null : toCredential(rows.iterator().next(), new HashMap<>()));
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, "api_tokens", lastSeen);
    }

    /**
     * A row to a cache entry. Names, environments and project lists repeat across thousands of tokens: each distinct
     * value is kept once (about 100 bytes less per token, 10 MB at 100,000 tokens).
     */
    private static StoredCredential toCredential(Row row, Map<Object, Object> canonical) {
        String selector = row.getString("selector");
        ApiTokenType type = ApiTokenType.fromWire(row.getString("type"));
        String environment = once(canonical, row.getString("environment"));
        List<String> projects = row.getBoolean("all_projects") ? ALL : once(canonical, List.of(row.getArrayOfStrings("projects")));
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
