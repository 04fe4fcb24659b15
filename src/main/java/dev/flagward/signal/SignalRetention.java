package dev.flagward.signal;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.ZoneOffset;

/**
 * Retention (SPEC §6.4): signals older than {@code flagward.signals.retention-age} go, and each endpoint keeps its
 * newest {@code flagward.signals.retention-count}. A scheduled job, off every request's path, on the reactive client;
 * running it on every replica at once is harmless (the deletes are idempotent).
 */
@Singleton
public class SignalRetention {

    private static final Logger LOG = Logger.getLogger(SignalRetention.class);
    private static final String BY_COUNT = """
            delete from signals s
             using signal_endpoints e,
                   lateral (select i.id from signals i where i.source_id = e.id order by i.id desc offset $1 limit 1) oldest_kept_too_many
             where s.source_id = e.id and s.id <= oldest_kept_too_many.id
            """;

    private final Pool pool;
    private final SignalConfig config;
    private final Clock clock;

    public SignalRetention(Pool pool, SignalConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    /** Often, so that each run deletes little: under steady ingestion one large delete every 10 s stalled writes. */
    @Scheduled(every = "2s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeNow().invoke(deleted -> {
            if (deleted > 0) {
                LOG.debugf("Purged %d signals beyond retention", deleted);
            }
        }).onFailure().invoke(failure -> LOG.warnf("Signal retention failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges now; the number of signals deleted. */
    public Uni<Long> purgeNow() {
        return pool.preparedQuery("delete from signals where created_at < $1")
                .execute(Tuple.of(clock.instant().minus(config.retentionAge()).atOffset(ZoneOffset.UTC)))
                .chain(byAge -> pool.preparedQuery(BY_COUNT).execute(Tuple.of(config.retentionCount()))
                        .map(byCount -> (long) byAge.rowCount() + byCount.rowCount()));
    }
}
