package dev.flagward.user;

import dev.flagward.security.authentication.SqlCredentialSource;
import dev.flagward.security.authentication.StoredCredential;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;

/** Browser sessions for the credential cache: live sessions of live users. */
@Singleton
public class SessionCredentialSource extends SqlCredentialSource {

    public static final String KIND = "session";
    public static final String PREFIX = "session_";

    private static final String SELECT = """
            select s.id as session_id, s.selector, s.verifier, s.expires_at, s.created_at, s.seen_at, u.id, coalesce(u.username, u.email) as login, u.root_role
              from sessions s join users u on u.id = s.user_id
             where u.deleted_at is null and s.expires_at > now()
            """;

    public SessionCredentialSource(Pool pool) {
        super(pool, KIND, PREFIX, Channel.SESSION_COOKIE,
                Rows.whole("sessions", SELECT, SELECT + " and s.selector = $1"),
                RowMapping.of(SessionCredentialSource::toCredential));
    }

    private static StoredCredential toCredential(Row row) {
        return new StoredCredential(KIND, row.getString("selector"),
                row.getBuffer("verifier").getBytes(), row.getOffsetDateTime("expires_at").toInstant(),
                UserService.principal(row), row.getLong("session_id"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("seen_at"));
    }
}
