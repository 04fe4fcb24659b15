package dev.flagward.security;

import io.vertx.pgclient.PgConnectOptions;
import org.eclipse.microprofile.config.Config;

/**
 * Quarkus exposes no bean with the datasource's connect options, so the dedicated LISTEN connection is built from
 * the same configuration the pool uses (set by the operator, or by the embedded PostgreSQL in dev and test).
 */
final class DatasourceConnectOptions {

    private DatasourceConnectOptions() {
    }

    static PgConnectOptions from(Config config) {
        String url = config.getValue("quarkus.datasource.reactive.url", String.class);
        if (url.startsWith("vertx-reactive:")) {
            url = url.substring("vertx-reactive:".length());
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        return options;
    }
}
