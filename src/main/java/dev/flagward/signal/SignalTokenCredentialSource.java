package dev.flagward.signal;

import dev.flagward.security.CredentialSource;
import dev.flagward.security.ScopedTokenPrincipal;
import dev.flagward.security.SeenAtWriter;
import dev.flagward.security.StoredCredential;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Signal endpoint tokens for the credential cache: presented only on the inbound endpoint, they act for their
 * endpoint (the principal's scope is its id). Deleting the endpoint deletes them, which the database announces.
 */
@Singleton
public class SignalTokenCredentialSource implements CredentialSource {

    public static final String KIND = "signal";
    public static final String PREFIX = "signal_";
    private static final String SELECT = "select id, selector, verifier, name, signal_endpoint_id, created_at, seen_at, expires_at "
            + "from signal_endpoint_tokens";

    private final Pool pool;

    public SignalTokenCredentialSource(Pool pool) {
        this.pool = pool;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Channel channel() {
        return Channel.OWN_ENDPOINT;
    }

    @Override
    public Uni<Void> loadAll(Consumer<StoredCredential> sink) {
        return pool.query(SELECT).execute().invoke(rows -> {
            for (Row row : rows) {
                sink.accept(toCredential(row));
            }
        }).replaceWithVoid();
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        return pool.preparedQuery(SELECT + " where selector = $1").execute(Tuple.of(selector))
                .map(rows -> rows.size() == 0 ? null : toCredential(rows.iterator().next()));
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, "signal_endpoint_tokens", lastSeen);
    }

    private static StoredCredential toCredential(Row row) {
        java.time.OffsetDateTime expires = row.getOffsetDateTime("expires_at");
        return new StoredCredential(KIND, row.getString("selector"), row.getBuffer("verifier").getBytes(),
                expires == null ? null : expires.toInstant(),
                new ScopedTokenPrincipal(row.getLong("id"), row.getString("name"), row.getLong("signal_endpoint_id")),
                row.getLong("id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("seen_at"));
    }
}
