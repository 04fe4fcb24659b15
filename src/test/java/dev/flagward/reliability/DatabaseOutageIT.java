package dev.flagward.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.support.PackagedApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL stops under a running packaged service, then comes back on the same data: requests fail fast with 503
 * (none hangs), /ready says BAD and /health stays GOOD, known tokens still validate from memory, everything recovers
 * without a restart, and every write acknowledged before the outage is still there.
 */
class DatabaseOutageIT {

    private static final String ADMIN = "*:*.outage-admin-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedPostgres postgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    @Test
    void outageAndRecovery() throws Exception {
        Path data = Files.createTempDirectory("flagward-outage-pg");
        int pgPort = PackagedApp.freePort();
        EmbeddedPostgres pg = postgres(data, pgPort);
        PackagedApp app = PackagedApp.start("outage", pgPort,
                Map.of("INIT_ADMIN_API_TOKENS", ADMIN, "INIT_ADMIN_PASSWORD", "outage-admin-password"));
        try {
            app.awaitReady(Duration.ofSeconds(90));
            HttpResponse<String> created = app.call("POST", "/api/admin/api-tokens", ADMIN,
                    Map.of("tokenName", "before-outage", "type", "backend"));
            assertEquals(201, created.statusCode(), created.body());
            String secret = JSON.readTree(created.body()).get("secret").asText();

            pg.close();

            long start = System.nanoTime();
            HttpResponse<String> events = app.call("GET", "/api/admin/events", ADMIN, null);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(503, events.statusCode(), events.body());
            assertEquals("ServiceUnavailableError", JSON.readTree(events.body()).get("name").asText());
            assertTrue(events.headers().firstValue("Retry-After").isPresent());
            // Token listings are served from the credential cache, as validation is: the last state PostgreSQL told.
            HttpResponse<String> list = app.call("GET", "/api/admin/api-tokens/before-outage", ADMIN, null);
            assertEquals(200, list.statusCode(), list.body());
            assertEquals(1, JSON.readTree(list.body()).get("tokens").size());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "a request hung for " + took);
            HttpResponse<String> write = app.call("POST", "/api/admin/api-tokens", ADMIN,
                    Map.of("tokenName", "during-outage", "type", "backend"));
            assertTrue(write.statusCode() == 503, write.statusCode() + " " + write.body());
            assertEquals(503, app.call("GET", "/ready", null, null).statusCode());
            assertEquals(200, app.call("GET", "/health", null, null).statusCode());
            HttpResponse<String> validated = app.call("POST", "/edge/validate", null,
                    Map.of("tokens", List.of(secret)));
            assertEquals(200, validated.statusCode());
            assertEquals(1, JSON.readTree(validated.body()).get("tokens").size(), "known tokens validate from memory");
            System.out.println("during the outage a read answered 503 in " + took.toMillis() + " ms");

            pg = postgres(data, pgPort);
            long back = System.nanoTime();
            Eventually.within(Duration.ofSeconds(5)).alias("ready within 5 s after PostgreSQL returned")
                    .until(() -> app.call("GET", "/ready", null, null).statusCode() == 200);
            System.out.println("ready again " + Duration.ofNanos(System.nanoTime() - back).toMillis()
                    + " ms after PostgreSQL returned");
            JsonNode kept = JSON.readTree(app.call("GET", "/api/admin/api-tokens/before-outage", ADMIN, null).body());
            assertEquals(1, kept.get("tokens").size(), "a write acknowledged before the outage was lost");
            assertEquals(0, JSON.readTree(app.call("GET", "/api/admin/api-tokens/during-outage", ADMIN, null).body())
                    .get("tokens").size(), "a refused write was stored");
            AtomicInteger status = new AtomicInteger();
            Eventually.within(Duration.ofSeconds(5)).alias("writes recover within 5 s").until(() -> {
                status.set(app
                        .call("POST", "/api/admin/api-tokens", ADMIN,
                                Map.of("tokenName", "after-outage", "type", "backend"))
                        .statusCode());
                return status.get() != 503;
            });
            assertEquals(201, status.get());
        } finally {
            app.stop();
            pg.close();
        }
    }

    /** One write by a writer: the status it was answered, and the key by which it is found stored. */
    interface Write {

        int attempt(String key) throws Exception;
    }

    /** What the writers saw and what the database kept. */
    record Outcome(Map<Integer, Integer> statuses, List<String> acknowledged, int beforeOutage, int atRecovery,
            long slowestMs) {}

    /**
     * Four writers write without pause while PostgreSQL stops and comes back (on the same data). Returns what was
     * acknowledged; the caller checks it against the database. No request may hang.
     */
    private static Outcome writeThroughAnOutage(PackagedApp app, EmbeddedPostgres[] pg, Path data, int pgPort,
            Write write)
            throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicLong slowest = new AtomicLong();
            List<Future<?>> running4 = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                running4.add(writers.submit(() -> {
                    int n = 0;
                    while (running.get()) {
                        String key = "load-" + writer + "-" + n++;
                        long start = System.nanoTime();
                        int status;
                        try {
                            status = write.attempt(key);
                        } catch (Exception e) {
                            status = -1;
                        }
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                        if (status == 201 || status == 202) {
                            acknowledged.add(key);
                        }
                    }
                    return null;
                }));
            }
            Eventually.within(Duration.ofSeconds(20)).alias("50 writes before the outage")
                    .until(() -> acknowledged.size() >= 50);
            int beforeOutage = acknowledged.size();
            pg[0].close();
            // The outage lasts until the writers have been refused a good number of times.
            Eventually.within(Duration.ofSeconds(20)).alias("writers see the outage")
                    .until(() -> statuses.getOrDefault(503, new AtomicInteger()).get() >= 40);
            pg[0] = postgres(data, pgPort);
            Eventually.within(Duration.ofSeconds(5)).alias("ready within 5 s after PostgreSQL returned")
                    .until(() -> app.call("GET", "/ready", null, null).statusCode() == 200);
            int atRecovery = acknowledged.size();
            Eventually.within(Duration.ofSeconds(20)).alias("50 writes after the outage")
                    .until(() -> acknowledged.size() >= atRecovery + 50);
            running.set(false);
            for (Future<?> f : running4) {
                f.get(30, TimeUnit.SECONDS);
            }
            Map<Integer, Integer> seen = new TreeMap<>();
            statuses.forEach((code, count) -> seen.put(code, count.get()));
            return new Outcome(seen, List.copyOf(acknowledged), beforeOutage, atRecovery,
                    Duration.ofNanos(slowest.get()).toMillis());
        } finally {
            writers.shutdownNow();
        }
    }

    /** Every acknowledged key stored exactly once; only the success status and 503; writes resumed; nothing hung. */
    private static void assertKept(Outcome outcome, int success, EmbeddedPostgres pg, String countByKey)
            throws Exception {
        Set<String> stored = new HashSet<>();
        try (var connection = pg.getPostgresDatabase().getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery(countByKey)) {
            while (rows.next()) {
                assertEquals(1, rows.getInt(2), "stored twice: " + rows.getString(1));
                stored.add(rows.getString(1));
            }
        }
        List<String> lost = outcome.acknowledged().stream().filter(key -> !stored.contains(key)).toList();
        System.out.println(
                "writes under outage: " + outcome.statuses() + ", acknowledged " + outcome.acknowledged().size()
                        + " (" + outcome.beforeOutage() + " before the outage, " + outcome.atRecovery()
                        + " at recovery), stored "
                        + stored.size() + ", lost " + lost.size() + ", slowest request " + outcome.slowestMs() + " ms");
        assertTrue(lost.isEmpty(), "acknowledged but lost: " + lost);
        assertTrue(outcome.statuses().keySet().stream().allMatch(code -> code == success || code == 503),
                "unexpected answers: " + outcome.statuses());
        assertTrue(outcome.statuses().containsKey(503), "the outage was not seen: " + outcome.statuses());
        assertTrue(outcome.acknowledged().size() > outcome.atRecovery(), "writes did not resume after recovery");
        assertTrue(outcome.slowestMs() < 5000, "a request hung");
    }

    /**
     * Four writers create tokens without pause while PostgreSQL stops and comes back. Every write that was answered
     * 201 must be in the database afterwards, none twice; no request may hang; nothing but 201 and 503 is answered.
     */
    @Test
    void acknowledgedWritesSurviveAnOutageUnderTraffic() throws Exception {
        Path data = Files.createTempDirectory("flagward-outage-load-pg");
        int pgPort = PackagedApp.freePort();
        EmbeddedPostgres[] pg = {postgres(data, pgPort)};
        PackagedApp app = PackagedApp.start("outage-load", pgPort,
                Map.of("INIT_ADMIN_API_TOKENS", ADMIN, "INIT_ADMIN_PASSWORD", "outage-admin-password"));
        try {
            app.awaitReady(Duration.ofSeconds(90));
            Outcome outcome = writeThroughAnOutage(app, pg, data, pgPort,
                    key -> app.call("POST", "/api/admin/api-tokens", ADMIN,
                            Map.of("tokenName", key, "type", "backend")).statusCode());
            assertKept(outcome, 201, pg[0],
                    "select token_name, count(*) from api_tokens where token_name like 'load-%' group by token_name");
        } finally {
            app.stop();
            pg[0].close();
        }
    }

    /** The same for inbound signals: a signal answered 202 is stored, once; the others are answered 503. */
    @Test
    void acknowledgedSignalsSurviveAnOutageUnderTraffic() throws Exception {
        Path data = Files.createTempDirectory("flagward-outage-signals-pg");
        int pgPort = PackagedApp.freePort();
        EmbeddedPostgres[] pg = {postgres(data, pgPort)};
        PackagedApp app = PackagedApp.start("outage-signals", pgPort, Map.of(
                "INIT_ADMIN_API_TOKENS", ADMIN, "INIT_ADMIN_PASSWORD", "outage-admin-password",
                "FLAGWARD_LICENSE_PUBLIC_KEYS",
                "rsa=" + Path.of("src/test/resources/license/rsa.public.pem").toAbsolutePath(),
                "UNLEASH_LICENSE", Licenses.rs256(Licenses.generous()),
                "FLAGWARD_SIGNALS_RATE_PER_SECOND", "100000", "FLAGWARD_SIGNALS_BURST", "100000"));
        try {
            app.awaitReady(Duration.ofSeconds(90));
            HttpResponse<String> endpoint = app.call("POST", "/api/admin/signal-endpoints", ADMIN,
                    Map.of("name", "outage"));
            assertEquals(201, endpoint.statusCode(), endpoint.body());
            long id = JSON.readTree(endpoint.body()).get("id").asLong();
            HttpResponse<String> token = app.call("POST", "/api/admin/signal-endpoints/" + id + "/tokens", ADMIN,
                    Map.of("name", "t"));
            assertEquals(201, token.statusCode(), token.body());
            String secret = "Bearer " + JSON.readTree(token.body()).get("token").asText();
            Outcome outcome = writeThroughAnOutage(app, pg, data, pgPort,
                    key -> app.call("POST", "/api/signal-endpoint/outage",
                            secret, Map.of("key", key)).statusCode());
            assertKept(outcome, 202, pg[0], "select payload->>'key', count(*) from signals group by 1");
        } finally {
            app.stop();
            pg[0].close();
        }
    }
}
