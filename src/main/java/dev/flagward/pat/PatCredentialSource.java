package dev.flagward.pat;

import dev.flagward.security.CredentialSource;
import dev.flagward.security.SeenAtWriter;
import dev.flagward.security.StoredCredential;
import dev.flagward.security.UserPrincipal;
import dev.flagward.user.UserService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/** PATs for the credential cache. A PAT acts as its user, with the user's current role; a deleted user's PATs load as nothing. */
@Singleton
public class PatCredentialSource implements CredentialSource {

    public static final String KIND = "pat";
    public static final String PREFIX = "user:";

    private static final String SELECT = "select id, selector, verifier, expires_at, created_at, seen_at, user_id from personal_access_tokens";

    private final Pool pool;
    private final UserService users;

    public PatCredentialSource(Pool pool, UserService users) {
        this.pool = pool;
        this.users = users;
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
        return Channel.AUTHORIZATION_HEADER;
    }

    @Override
    public Uni<Void> loadAll(Consumer<StoredCredential> sink) {
        return users.livePrincipals().chain(principals -> pool.query(SELECT).execute().invoke(rows -> {
            for (Row row : rows) {
                UserPrincipal user = principals.get(row.getLong("user_id"));
                if (user != null) {
                    sink.accept(toCredential(row, user));
                }
            }
        })).replaceWithVoid();
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        return pool.preparedQuery(SELECT + " where selector = $1").execute(Tuple.of(selector)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().nullItem();
            }
            Row row = rows.iterator().next();
            return users.livePrincipal(row.getLong("user_id")).map(user -> user == null ? null : toCredential(row, user));
        });
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, "personal_access_tokens", lastSeen);
    }

    private static StoredCredential toCredential(Row row, UserPrincipal user) {
        return new StoredCredential(KIND, row.getString("selector"), row.getBuffer("verifier").getBytes(),
                row.getOffsetDateTime("expires_at").toInstant(), user, row.getLong("id"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("seen_at"));
    }
}
