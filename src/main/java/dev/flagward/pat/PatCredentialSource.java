package dev.flagward.pat;

import dev.flagward.security.authentication.SqlCredentialSource;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.user.UserService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;

import java.util.function.Function;

/** PATs for the credential cache. A PAT acts as its user, with the user's current role; a deleted user's PATs load as nothing. */
@Singleton
public class PatCredentialSource extends SqlCredentialSource {

    public static final String KIND = "pat";
    public static final String PREFIX = "user:";

    private static final String SELECT = "select id, selector, verifier, expires_at, created_at, seen_at, user_id from personal_access_tokens";

    public PatCredentialSource(Pool pool, UserService users) {
        super(pool, KIND, PREFIX, Channel.AUTHORIZATION_HEADER,
                Rows.whole("personal_access_tokens", SELECT, SELECT + " where selector = $1"),
                new RowMapping() {

                    @Override
                    public Uni<Function<Row, StoredCredential>> forFullLoad() {
                        return users.livePrincipals().map(principals -> row -> {
                            UserPrincipal user = principals.get(row.getLong("user_id"));
                            return user == null ? null : toCredential(row, user);
                        });
                    }

                    @Override
                    public Uni<StoredCredential> forOne(Row row) {
                        return users.livePrincipal(row.getLong("user_id"))
                                .map(user -> user == null ? null : toCredential(row, user));
                    }
                });
    }

    private static StoredCredential toCredential(Row row, UserPrincipal user) {
        return new StoredCredential(KIND, row.getString("selector"), row.getBuffer("verifier").getBytes(),
                row.getOffsetDateTime("expires_at").toInstant(), user, row.getLong("id"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("seen_at"));
    }
}
