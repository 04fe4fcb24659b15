package dev.flagward.health;

import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.notification.NotificationListener;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready = the database answers and the credential cache is loaded. Used by {@code GET /ready} and by Kubernetes
 * through {@code /q/health/ready}; a slow database counts as down after one second so probes never hang.
 */
@Readiness
@Singleton
public class ReadinessCheck implements AsyncHealthCheck {

    @Inject
    Pool pool;
    @Inject
    CredentialCache cache;
    @Inject
    NotificationListener listener;

    public Uni<Boolean> ready() {
        if (!cache.isLoaded()) {
            return Uni.createFrom().item(false);
        }
        return pool.query("select 1").execute()
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(rows -> true)
                .onFailure().recoverWithItem(false);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return ready().map(ok -> HealthCheckResponse.named("database-and-credential-cache").status(ok)
                .withData("credentials", cache.size()).withData("listening", listener.isListening()).build());
    }
}
