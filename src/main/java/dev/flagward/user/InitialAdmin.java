package dev.flagward.user;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.flagward.audit.Actor;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.web.AdvisoryLocks;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Creates the first Admin when the instance has no users at all (INIT_ADMIN_USERNAME, INIT_ADMIN_PASSWORD), under an
 * advisory lock so replicas starting together create one. Without a configured password a random one is generated
 * and printed once, at that moment only; change it after signing in.
 */
@Singleton
public class InitialAdmin {

    private static final Logger LOG = Logger.getLogger(InitialAdmin.class);
    private static final long LOCK = 0x466c61675f757372L;

    @Inject
    UserService users;
    @Inject
    UserRepository repository;
    @Inject
    Pool pool;
    @ConfigProperty(name = "init.admin-username", defaultValue = "admin")
    String username;
    @ConfigProperty(name = "init.admin-password")
    Optional<String> password;

    void onStart(@Observes @Priority(15) StartupEvent event) throws Throwable {
        // Every start but the first: users exist, and one query on the reactive client says so, without the
        // Hibernate session (and its cold start) that creating the user needs.
        if (pool.query("select exists (select 1 from users)").execute().await().atMost(Duration.ofSeconds(30))
                .iterator().next().getBoolean(0)) {
            return;
        }
        Optional<String> configured = password.filter(p -> !p.isBlank());
        String chosen = configured.orElseGet(Passwords::randomPassword);
        Boolean created = VertxContextSupport
                .subscribeAndAwait(() -> Panache.withTransaction(() -> AdvisoryLocks.hold(LOCK)
                        .chain(() -> repository.count())
                        .chain(count -> count > 0
                                ? Uni.createFrom().item(false)
                                : users.create(
                                        new CreateUserRequest(username, null, "Initial admin", chosen,
                                                TextNode.valueOf("Admin")),
                                        Actor.SYSTEM).replaceWith(true))));
        if (created && configured.isEmpty()) {
            LOG.warnf(
                    "Created the initial admin user '%s' with the generated password: %s  (shown once; change it after "
                            + "signing in, or set INIT_ADMIN_PASSWORD)",
                    username, chosen);
        } else if (created) {
            LOG.infof("Created the initial admin user '%s'", username);
        }
    }
}
