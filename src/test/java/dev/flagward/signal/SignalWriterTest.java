package dev.flagward.signal;

import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.web.ApiException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The inbound writer under trouble: a payload PostgreSQL refuses among others that share its statement, a database
 * that does not keep up, and bodies that Jackson takes but jsonb does not. Statements are held back with real
 * PostgreSQL locks taken on connections of the same pool, never with sleeps.
 */
@QuarkusTest
class SignalWriterTest {

    /** What PostgreSQL's jsonb refuses although Jackson parses it: the escape of NUL, a lone surrogate, a huge number. */
    private static final List<String> REFUSED_BY_JSONB = List.of("{\"bad\":\"\\u0000\"}", "{\"bad\":\"\\ud800\"}",
            "{\"bad\":1e1000000}");

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    SignalWriter writer;

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

    private CompletableFuture<Long> write(Signals.Endpoint endpoint, String payload) {
        return writer.write(endpoint.id(), endpoint.name(), payload, 1L, "bean").subscribeAsCompletionStage();
    }

    /** A connection of the pool in a transaction that has run this statement (a lock it now holds). */
    private record Held(SqlConnection connection, Transaction transaction) {

        static Held taking(Pool pool, String sql) {
            SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(10));
            Transaction transaction = connection.begin().await().atMost(Duration.ofSeconds(10));
            connection.query(sql).execute().await().atMost(Duration.ofSeconds(10));
            return new Held(connection, transaction);
        }

        long count(String sql) {
            return connection.query(sql).execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        }

        /**
         * Writer statements waiting for a lock now. PostgreSQL keeps one picture of pg_stat_activity per transaction,
         * taken at its first read: without clearing it, a poll inside this transaction would see its first answer forever.
         */
        long waitingWrites() {
            connection.query("select pg_stat_clear_snapshot()").execute().await().atMost(Duration.ofSeconds(10));
            return count(WAITING_WRITES);
        }

        void release() {
            transaction.rollback().await().atMost(Duration.ofSeconds(10));
            connection.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    /** Writer statements of this process waiting for a lock. */
    private static final String WAITING_WRITES = "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
            + "and query like '%unnest($1::bigint[]%'";

    @Test
    void aPayloadPostgresqlRefusesFailsAloneAndTheOthersAreStoredWithinTwoStatementsAtOnce() throws Exception {
        Signals.Endpoint first = Signals.create();
        Signals.Endpoint shared = Signals.create();
        // Two writes in flight, held back by a table lock, so that everything after them waits and shares one statement.
        Held table = Held.taking(pool, "lock table signals in share mode");
        List<CompletableFuture<Long>> inFlight = List.of(write(first, "{\"n\":-1}"), write(first, "{\"n\":-2}"));
        List<CompletableFuture<Long>> good = new ArrayList<>();
        List<CompletableFuture<Long>> bad = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (i % 20 == 19) {
                bad.add(write(shared, REFUSED_BY_JSONB.get(i / 20)));
            } else {
                good.add(write(shared, "{\"n\":" + i + "}"));
            }
        }
        // The shared endpoint's row locked: its good signals, once inserted, wait at their foreign key check.
        Held endpointRow = Held.taking(pool,
                "select id from signal_endpoints where id = " + shared.id() + " for update");
        try {
            table.release();
            for (CompletableFuture<Long> f : inFlight) {
                assertTrue(f.get(10, TimeUnit.SECONDS) > 0);
            }
            // The batch failed on a bad payload and is being halved: never more than two statements at once, and
            // the pool stays free for everything else.
            Eventually.within(Duration.ofSeconds(10)).alias("two halves wait for the endpoint's row")
                    .until(() -> endpointRow.waitingWrites() == SignalWriter.IN_FLIGHT);
            assertEquals(1, Db.count(pool, "select 1"));
            assertEquals(SignalWriter.IN_FLIGHT, endpointRow.waitingWrites());
        } finally {
            endpointRow.release();
        }
        Set<Long> ids = new HashSet<>();
        for (CompletableFuture<Long> f : good) {
            ids.add(f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(57, ids.size());
        for (CompletableFuture<Long> f : bad) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            ApiException refused = assertInstanceOf(ApiException.class, failure.getCause());
            assertEquals(400, refused.status());
            assertEquals("BadDataError", refused.name());
        }
        assertEquals(57,
                Db.count(pool, "select count(*) from signals where source_id = $1 and payload ? 'n'", shared.id()));
        assertEquals(0,
                Db.count(pool, "select count(*) from signals where source_id = $1 and payload ? 'bad'", shared.id()));
    }

    @Test
    void beyondTheQueueBoundCallsAreAnswered503WithRetryAfterAndTheQueuedOnesAreStored() throws Exception {
        int bound = ConfigProvider.getConfig().getOptionalValue("flagward.signals.max-queued", Integer.class)
                .orElse(2000);
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        // More than the 1000 signals retention keeps per endpoint: retention must not purge any before they are counted.
        Held retention = Held.taking(pool, "select pg_advisory_xact_lock(" + SignalRetention.LOCK + ")");
        try {
            fillTheQueueAndCountEveryOne(bound, endpoint, token);
        } finally {
            retention.release();
        }
    }

    private void fillTheQueueAndCountEveryOne(int bound, Signals.Endpoint endpoint, String token) throws Exception {
        Held table = Held.taking(pool, "lock table signals in share mode");
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        CompletableFuture<Response> refused;
        try {
            // Two in flight (held back), then the queue filled to its bound.
            for (int i = 0; i < SignalWriter.IN_FLIGHT + bound; i++) {
                queued.add(write(endpoint, "{\"q\":" + i + "}"));
            }
            refused = CompletableFuture.supplyAsync(() -> Signals.send(endpoint, token, "{\"late\":true}"));
            error(refused.get(10, TimeUnit.SECONDS).then(), 503, "ServiceUnavailableError")
                    .header("Retry-After", "1").body("message", containsString("Try again"));
        } finally {
            table.release();
        }
        Set<Long> ids = new HashSet<>();
        for (CompletableFuture<Long> f : queued) {
            ids.add(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(SignalWriter.IN_FLIGHT + bound, ids.size());
        Signals.send(endpoint, token, "{\"late\":true}").then().statusCode(202);
        assertEquals(SignalWriter.IN_FLIGHT + bound + 1,
                Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        assertEquals(0, Db.count(pool,
                "select count(*) from signals where source_id = $1 and payload ? 'late' and payload->>'late' <> 'true'",
                endpoint.id()));
    }

    @Test
    void jsonThatJsonbRefusesIsRefusedUpFrontWithThePathOfTheValue() {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        Map<String, String> refused = Map.ofEntries(
                Map.entry("{\"a\":{\"b\":[\"x\",\"\\u0000\"]}}", "/body/a/b/1"),
                Map.entry("{\"a\":{\"k\\u0000\":1}}", "/body/a"),
                Map.entry("{\"k\\ud800\":1}", "/body"),
                Map.entry("{\"a\":\"\\ud800\"}", "/body/a"),
                Map.entry("{\"a\":\"x\\udc00y\"}", "/body/a"),
                Map.entry("{\"a\":\"\\ud800\\ud800\"}", "/body/a"),
                Map.entry("{\"a\":\"\\ude00\\ud83d\"}", "/body/a"),
                Map.entry("{\"n\":[1e1000000]}", "/body/n/0"),
                Map.entry("{\"n\":-1e1000000}", "/body/n"),
                Map.entry("{\"n\":1e-1000000}", "/body/n"),
                Map.entry("{\"n\":1e131072}", "/body/n"),
                Map.entry("{\"n\":1.5e-16383}", "/body/n"),
                Map.entry("{\"n\":1e99999999999}", "/body/n"));
        refused.forEach((body, path) -> error(Signals.send(endpoint, token, body).then(), 400, "BadDataError")
                .body("details[0].path", is(path)));
        assertEquals(0, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));

        // What jsonb takes is taken, up to its limits.
        for (String body : List.of("{\"e\":\"\\ud83d\\ude00\"}", "{\"n\":1e131071}", "{\"n\":1e-16383}",
                "{\"n\":1e308}",
                "{\"c\":\"\\u0001\"}")) {
            Signals.send(endpoint, token, body).then().statusCode(202);
        }
        assertEquals("\uD83D\uDE00",
                Db.rows(pool, "select payload->>'e' from signals where source_id = $1 and payload ? 'e'",
                        endpoint.id()).get(0).getString(0));
    }
}
