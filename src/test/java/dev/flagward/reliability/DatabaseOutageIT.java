package dev.flagward.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.support.PackagedApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            HttpResponse<String> list = app.call("GET", "/api/admin/api-tokens", ADMIN, null);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(503, list.statusCode(), list.body());
            assertEquals("ServiceUnavailableError", JSON.readTree(list.body()).get("name").asText());
            assertTrue(list.headers().firstValue("Retry-After").isPresent());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "a request hung for " + took);
            HttpResponse<String> write = app.call("POST", "/api/admin/api-tokens", ADMIN,
                    Map.of("tokenName", "during-outage", "type", "backend"));
            assertTrue(write.statusCode() == 503, write.statusCode() + " " + write.body());
            assertEquals(503, app.call("GET", "/ready", null, null).statusCode());
            assertEquals(200, app.call("GET", "/health", null, null).statusCode());
            HttpResponse<String> validated = app.call("POST", "/edge/validate", null, Map.of("tokens", List.of(secret)));
            assertEquals(200, validated.statusCode());
            assertEquals(1, JSON.readTree(validated.body()).get("tokens").size(), "known tokens validate from memory");
            System.out.println("during the outage a read answered 503 in " + took.toMillis() + " ms");

            pg = postgres(data, pgPort);
            long back = System.nanoTime();
            while (app.call("GET", "/ready", null, null).statusCode() != 200) {
                assertTrue(System.nanoTime() - back < Duration.ofSeconds(5).toNanos(), "not ready 5 s after PostgreSQL returned");
                Thread.sleep(50);
            }
            System.out.println("ready again " + Duration.ofNanos(System.nanoTime() - back).toMillis() + " ms after PostgreSQL returned");
            JsonNode kept = JSON.readTree(app.call("GET", "/api/admin/api-tokens/before-outage", ADMIN, null).body());
            assertEquals(1, kept.get("tokens").size(), "a write acknowledged before the outage was lost");
            assertEquals(0, JSON.readTree(app.call("GET", "/api/admin/api-tokens/during-outage", ADMIN, null).body())
                    .get("tokens").size(), "a refused write was stored");
            long retry = System.nanoTime();
            int status;
            do {
                status = app.call("POST", "/api/admin/api-tokens", ADMIN, Map.of("tokenName", "after-outage", "type", "backend"))
                        .statusCode();
                assertTrue(System.nanoTime() - retry < Duration.ofSeconds(5).toNanos(), "writes did not recover: " + status);
            } while (status == 503);
            assertEquals(201, status);
        } finally {
            app.stop();
            pg.close();
        }
    }
}
