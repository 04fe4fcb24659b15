package dev.flagward.apitoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@QuarkusTest
class ApiTokenBootstrapTest {

    @Inject
    ApiTokenBootstrap bootstrap;
    @Inject
    Pool pool;

    private long bootstrapRows() {
        return Db.count(pool, "select count(*) from api_tokens where created_by = 'init-api-tokens'");
    }

    @Test
    void runningAgainChangesNothing() throws Throwable {
        long before = bootstrapRows();
        assertEquals(3, before);
        long events = Db.count(pool, "select count(*) from events where created_by = 'init-api-tokens'");
        bootstrap.onStart(null);
        bootstrap.onStart(null);
        assertEquals(before, bootstrapRows());
        assertEquals(events, Db.count(pool, "select count(*) from events where created_by = 'init-api-tokens'"));
    }

    @Test
    void replicasStartingTogetherInsertOneSet() throws Exception {
        Db.rows(pool, "delete from api_tokens where created_by = 'init-api-tokens'");
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(() -> {
                    try {
                        bootstrap.onStart(null);
                    } catch (Throwable t) {
                        throw new IllegalStateException(t);
                    }
                    return null;
                });
            }
            for (Future<Void> start : replicas.invokeAll(starts)) {
                start.get();
            }
        } finally {
            replicas.shutdownNow();
        }
        assertEquals(3, bootstrapRows());
        assertEquals(1, Db.count(pool,
                "select count(*) from api_tokens where created_by = 'init-api-tokens' and type = 'admin'"));
    }

    @Test
    void malformedValuesStopStartUpWithoutEchoingTheSecret() {
        String[][] bad = {
                {"ADMIN", "default:*.s3cr3t-value"},
                {"ADMIN", "*:development.s3cr3t-value"},
                {"ADMIN", "no-colon-s3cr3t-value"},
                {"BACKEND", "default:*.s3cr3t-value"},
                {"BACKEND", "[]:development.s3cr3t-value"},
                {"BACKEND", "default:development."},
                {"FRONTEND", "*:production.ok, "},
        };
        for (String[] c : bad) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiTokenBootstrap.parse("INIT_X",
                    Optional.of(c[1]), ApiTokenType.valueOf(c[0]), new ArrayList<>()));
            assertTrue(e.getMessage().startsWith("INIT_X value #"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
        List<ApiTokenBootstrap.Seed> ok = new ArrayList<>();
        ApiTokenBootstrap.parse("INIT_X", Optional.of(" *:*.a , *:*.b"), ApiTokenType.ADMIN, ok);
        assertEquals(2, ok.size());
        assertEquals("*:*.a", ok.get(0).secret());
    }
}
