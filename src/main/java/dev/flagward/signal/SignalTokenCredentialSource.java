package dev.flagward.signal;

import dev.flagward.security.authentication.SqlCredentialSource;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.security.principal.ScopedTokenPrincipal;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;

import java.time.OffsetDateTime;

/**
 * Signal endpoint tokens for the credential cache: presented only on the inbound endpoint, they act for their
 * endpoint (the principal's scope is its id). Deleting the endpoint deletes them, which the database announces.
 */
@Singleton
public class SignalTokenCredentialSource extends SqlCredentialSource {

    public static final String KIND = "signal";
    public static final String PREFIX = "signal_";
    private static final String SELECT = "select id, selector, verifier, name, signal_endpoint_id, created_at, seen_at, expires_at "
            + "from signal_endpoint_tokens";

    public SignalTokenCredentialSource(Pool pool) {
        super(pool, KIND, PREFIX, Channel.OWN_ENDPOINT,
                Rows.whole("signal_endpoint_tokens", SELECT, SELECT + " where selector = $1"),
                RowMapping.of(SignalTokenCredentialSource::toCredential));
    }

    private static StoredCredential toCredential(Row row) {
        OffsetDateTime expires = row.getOffsetDateTime("expires_at");
        return new StoredCredential(KIND, row.getString("selector"), row.getBuffer("verifier").getBytes(),
                expires == null ? null : expires.toInstant(),
                new ScopedTokenPrincipal(row.getLong("id"), row.getString("name"), row.getLong("signal_endpoint_id")),
                row.getLong("id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("seen_at"));
    }
}
