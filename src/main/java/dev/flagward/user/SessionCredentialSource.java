package dev.flagward.user;

import dev.flagward.security.CredentialSource;
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

/** Browser sessions for the credential cache: live sessions of live users. */
@Singleton
public class SessionCredentialSource implements CredentialSource {

    public static final String KIND = "session";
    public static final String PREFIX = "session_";

    private static final String SELECT = """
            select s.id as session_id, s.selector, s.verifier, s.expires_at, s.created_at, s.seen_at, u.id, coalesce(u.username, u.email) as login, u.root_role
              from sessions s join users u on u.id = s.user_id
             where u.deleted_at is null and s.expires_at > now()
            """;

    private final Pool pool;

    public SessionCredentialSource(Pool pool) {
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
        return Channel.SESSION_COOKIE;
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
        return pool.preparedQuery(SELECT + " and s.selector = $1").execute(Tuple.of(selector))
                .map(rows -> rows.size() == 0 ? null : toCredential(rows.iterator().next()));
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, "sessions", lastSeen);
    }

    private static StoredCredential toCredential(Row row) {
        return new StoredCredential(KIND, row.getString("selector"),
                row.getBuffer("verifier").getBytes(), row.getOffsetDateTime("expires_at").toInstant(),
                UserService.principal(row), row.getLong("session_id"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("seen_at"));
    }
}
