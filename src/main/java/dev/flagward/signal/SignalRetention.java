package dev.flagward.signal;

import dev.flagward.web.AdvisoryLocks;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Retention (SPEC §6.4): signals older than {@code flagward.signals.retention-age} go, and each endpoint keeps its
 * newest {@code flagward.signals.retention-count}. Webhook ids seen on signed calls are forgotten by their own age
 * ({@code flagward.signals.webhook-id-memory}), whatever happened to their signals, and so are the stream places of
 * purged signals ({@code flagward.signals.resume-window}). A scheduled job, off every
 * request's path, on the reactive client. Every replica schedules it, but one at a time runs it: the others would only
 * scan and lock the same rows again and wait for each other.
 */
@Singleton
public class SignalRetention {

    /** A copy of a signed call passes the timestamp check up to 10 minutes after the first; 5 more for clock skew. */
    static final Duration MIN_WEBHOOK_ID_MEMORY = WebhookSignature.TOLERANCE.multipliedBy(3);
    /** Advisory lock key ("Flag_ret"), in the same family as the other replica-wide locks. */
    static final long LOCK = 0x466c61675f726574L;

    private static final Logger LOG = Logger.getLogger(SignalRetention.class);
    private static final String BY_AGE = "delete from signals where created_at < $1";
    private static final String BY_COUNT = """
            delete from signals s
             using signal_endpoints e,
                   lateral (select i.id from signals i where i.source_id = e.id order by i.id desc offset $1 limit 1) oldest_kept_too_many
             where s.source_id = e.id and s.id <= oldest_kept_too_many.id
            """;
    private static final String FORGET_WEBHOOK_IDS = "delete from webhook_replay_memory where seen_at < $1";
    private static final String FORGET_PLACES = "delete from signal_places where purged_at < $1";

    /** What one purge did; {@code ran} is false when another replica (or another run) held the lock. */
    public record Purged(boolean ran, long signals, long webhookIds) {

        static final Purged SKIPPED = new Purged(false, 0, 0);
    }

    private final Pool pool;
    private final SignalConfig config;
    private final Duration webhookIdMemory;
    private final Clock clock;

    public SignalRetention(Pool pool, SignalConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.webhookIdMemory = config.webhookIdMemory().compareTo(MIN_WEBHOOK_ID_MEMORY) < 0
                ? MIN_WEBHOOK_ID_MEMORY
                : config.webhookIdMemory();
        this.clock = clock;
    }

    /** Often, so that each run deletes little: under steady ingestion one large delete every 10 s stalled writes. */
    @Scheduled(every = "2s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeNow().invoke(purged -> {
            if (purged.signals() > 0 || purged.webhookIds() > 0) {
                LOG.debugf("Purged %d signals beyond retention and %d webhook ids", purged.signals(),
                        purged.webhookIds());
            }
        }).onFailure().invoke(failure -> LOG.warnf("Signal retention failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges now, in one transaction under the replica-wide lock; nothing when someone else holds the lock. */
    public Uni<Purged> purgeNow() {
        Instant now = clock.instant();
        return pool.withTransaction(transaction -> AdvisoryLocks.tryHold(transaction, LOCK).chain(held -> !held
                ? Uni.createFrom().item(Purged.SKIPPED)
                : transaction.preparedQuery(BY_AGE)
                        .execute(Tuple.of(now.minus(config.retentionAge()).atOffset(ZoneOffset.UTC)))
                        .chain(byAge -> transaction.preparedQuery(BY_COUNT).execute(Tuple.of(config.retentionCount()))
                                .chain(byCount -> transaction.preparedQuery(FORGET_WEBHOOK_IDS)
                                        .execute(Tuple.of(now.minus(webhookIdMemory).atOffset(ZoneOffset.UTC)))
                                        .call(() -> transaction.preparedQuery(FORGET_PLACES)
                                                .execute(Tuple
                                                        .of(now.minus(config.resumeWindow()).atOffset(ZoneOffset.UTC))))
                                        .map(forgotten -> new Purged(true, (long) byAge.rowCount() + byCount.rowCount(),
                                                forgotten.rowCount()))))));
    }
}
