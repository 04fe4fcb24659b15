package dev.flagward.security.notification;

import io.vertx.pgclient.PgConnectOptions;
import org.eclipse.microprofile.config.Config;

import java.util.regex.Pattern;

/**
 * Quarkus exposes no bean with the datasource's connect options, so the dedicated LISTEN connection is built from
 * the same configuration the pool uses (set by the operator, or by the embedded PostgreSQL in dev and test), unless
 * {@code FLAGWARD_NOTIFY_URL} names another way to the same database: PgBouncer in transaction mode cannot carry
 * LISTEN, so the notification connection then goes to PostgreSQL directly (or through a session-mode pool). User
 * and password come from that URL when it has them, else from the datasource's settings.
 */
final class DatasourceConnectOptions {

    private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("^[a-z]+://[^/@]+@.*");

    private DatasourceConnectOptions() {
    }

    static PgConnectOptions from(Config config) {
        String url = config.getOptionalValue("flagward.notify-url", String.class).filter(value -> !value.isBlank())
                .orElseGet(() -> config.getValue("quarkus.datasource.reactive.url", String.class));
        if (url.startsWith("vertx-reactive:")) {
            url = url.substring("vertx-reactive:".length());
        }
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        if (!CREDENTIALS_IN_URL.matcher(url).matches()) {
            config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
            config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        }
        return options;
    }
}
