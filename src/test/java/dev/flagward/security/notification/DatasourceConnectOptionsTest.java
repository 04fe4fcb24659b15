package dev.flagward.security.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.pgclient.PgConnectOptions;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/** Where the LISTEN connection goes: the datasource, or FLAGWARD_NOTIFY_URL (PgBouncer in transaction mode). */
class DatasourceConnectOptionsTest {

    private static Config config(String notifyUrl) {
        Map<String, String> values = new HashMap<>(Map.of(
                "quarkus.datasource.reactive.url", "vertx-reactive:postgresql://pgbouncer:6432/flagward",
                "quarkus.datasource.username", "app",
                "quarkus.datasource.password", "app-password"));
        if (notifyUrl != null) {
            values.put("flagward.notify-url", notifyUrl);
        }
        return new SmallRyeConfigBuilder().withDefaultValues(values).build();
    }

    @Test
    void byDefaultTheDatasource() {
        PgConnectOptions options = DatasourceConnectOptions.from(config(null));
        assertEquals("pgbouncer", options.getHost());
        assertEquals(6432, options.getPort());
        assertEquals("flagward", options.getDatabase());
        assertEquals("app", options.getUser());
        assertEquals("app-password", options.getPassword());
    }

    @Test
    void notifyUrlGoesElsewhereWithTheDatasourcesCredentials() {
        PgConnectOptions options = DatasourceConnectOptions.from(config("postgresql://primary.db:5432/flagward"));
        assertEquals("primary.db", options.getHost());
        assertEquals(5432, options.getPort());
        assertEquals("app", options.getUser());
        assertEquals("app-password", options.getPassword());
    }

    @Test
    void notifyUrlWithItsOwnCredentials() {
        PgConnectOptions options = DatasourceConnectOptions
                .from(config("postgresql://listener:secret@primary.db/flagward"));
        assertEquals("primary.db", options.getHost());
        assertEquals("listener", options.getUser());
        assertEquals("secret", options.getPassword());
    }

    @Test
    void blankNotifyUrlIsNone() {
        assertEquals("pgbouncer", DatasourceConnectOptions.from(config(" ")).getHost());
    }
}
