package dev.flagward.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** Retention (SPEC §6.4) runs on one replica at a time: the others find the advisory lock taken and do nothing. */
@QuarkusTest
class SignalRetentionTest {

    /** SignalRetention's advisory lock key ("Flag_ret"); written out so that a change of it shows here. */
    private static final long RETENTION_LOCK = 0x466c61675f726574L;

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    SignalRetention retention;

    @BeforeEach
    void aLicense() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
    }

    @AfterEach
    void cleanUp() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    @Test
    void whileAnotherReplicaHoldsTheRetentionLockAPurgeDeletesNothing() {
        int retentionCount = ConfigProvider.getConfig().getValue("flagward.signals.retention-count", Integer.class);
        Signals.Endpoint endpoint = Signals.create();

        // Another replica's purge, in its transaction on its connection (taken first: this replica's own scheduled
        // purge must not run in between either).
        SqlConnection otherReplica = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            otherReplica.query("begin").execute().await().atMost(Duration.ofSeconds(10));
            otherReplica.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(RETENTION_LOCK))
                    .await().atMost(Duration.ofSeconds(10));
            Db.rows(pool, "insert into signals (source_id, payload, created_at) select $1, '{}'::jsonb, now() "
                    + "from generate_series(1, $2)", endpoint.id(), retentionCount + 5);
            Db.rows(pool,
                    "insert into signals (source_id, payload, created_at) values ($1, '{}'::jsonb, now() - interval '400 days')",
                    endpoint.id());
            retention.purgeNow().await().atMost(Duration.ofSeconds(10));
            assertEquals(retentionCount + 6,
                    Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
            otherReplica.query("commit").execute().await().atMost(Duration.ofSeconds(10));
        } finally {
            otherReplica.close().await().atMost(Duration.ofSeconds(10));
        }

        Signals.purgeUntil(retention, "a purge once the lock is free", () -> Db.count(pool,
                "select count(*) from signals where source_id = $1", endpoint.id()) == retentionCount);
    }
}
