package dev.flagward.security.authentication;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Db;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Last use (SPEC §3) is written at shutdown, and in dev mode often enough that a stop loses next to nothing. */
@QuarkusTest
class SeenAtShutdownTest {

    @Inject
    SeenTracker seen;
    @Inject
    Pool pool;

    /** What graceful shutdown does (ShutdownEvent, before the pool closes): a use not yet flushed is written. */
    @Test
    void theShutdownFlushWritesPendingLastUse() {
        String name = unique("shutdown");
        String secret = (String) createToken(Map.of("tokenName", name, "type", "backend")).get("secret");
        String selector = secret.substring(secret.indexOf("v2_") + 3, secret.indexOf("v2_") + 25);
        validate(secret); // a use, kept in memory (the test profile flushes only hourly)
        assertNull(Db.rows(pool, "select seen_at from api_tokens where selector = $1", selector).get(0).getValue(0),
                "not written before shutdown");
        admin().get("/api/admin/api-tokens/{name}", name).then().statusCode(200).body("tokens[0].seenAt", nullValue());

        seen.onStop(new ShutdownEvent());

        assertNotNull(Db.rows(pool, "select seen_at from api_tokens where selector = $1", selector).get(0).getValue(0),
                "written by the shutdown flush");
        admin().get("/api/admin/api-tokens/{name}", name).then().statusCode(200).body("tokens[0].seenAt",
                notNullValue());
    }

    /**
     * Dev mode's embedded PostgreSQL stops from its own JVM shutdown hook, at the same time as the application's, so
     * dev mode writes last use every few seconds: stopping it loses at most that much. Production keeps 30 s batches.
     */
    @Test
    void devModeWritesLastUseEveryFewSeconds() throws Exception {
        Map<String, Duration> interval = new HashMap<>();
        for (String profile : new String[]{"dev", "prod"}) {
            interval.put(profile, new SmallRyeConfigBuilder().withProfile(profile)
                    .withSources(new PropertiesConfigSource(
                            Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .build().getValue("flagward.security.seen-flush-interval", Duration.class));
        }
        assertTrue(interval.get("dev").compareTo(Duration.ofSeconds(5)) <= 0, "dev: " + interval.get("dev"));
        assertEquals(Duration.ofSeconds(30), interval.get("prod"));
    }
}
