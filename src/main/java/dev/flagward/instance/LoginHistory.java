package dev.flagward.instance;

import dev.flagward.user.SignInRecorder;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;

/** The login history (SPEC §8.3): every sign-in attempt, kept for a configurable time. */
@ApplicationScoped
public class LoginHistory implements PanacheRepository<LoginEvent>, SignInRecorder {

    private static final Logger LOG = Logger.getLogger(LoginHistory.class);
    private static final int MAX_NAME = 320;

    @Inject
    LoginHistoryConfig config;
    @Inject
    Clock clock;

    /** Records an attempt in the caller's transaction, or in its own when there is none. */
    @Override
    public Uni<Void> record(String username, String authType, boolean successful, String ip, String failureReason) {
        LoginEvent event = new LoginEvent();
        event.username = username == null
                ? ""
                : username.length() > MAX_NAME ? username.substring(0, MAX_NAME) : username;
        event.authType = authType;
        event.createdAt = clock.instant();
        event.successful = successful;
        event.ip = ip;
        event.failureReason = failureReason;
        return Panache.withTransaction(() -> persist(event)).replaceWithVoid();
    }

    public Uni<List<LoginEvent>> page(int offset, int limit) {
        return Panache.withSession(
                () -> findAll(Sort.descending("createdAt", "id")).range(offset, offset + limit - 1).list());
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return purgeNow()
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("Purged %d login events older than %s", deleted, config.retention());
                    }
                })
                .replaceWithVoid();
    }

    /** For tests and operators: purge now. */
    public Uni<Long> purgeNow() {
        return Panache.withTransaction(() -> delete("createdAt < ?1", clock.instant().minus(config.retention())));
    }
}
