package dev.flagward.invoice;

import dev.flagward.user.SeatService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Records the day's seat usage for statements: one row per UTC day, however many replicas record it (an upsert on
 * the day), holding the day's highest counts. Runs soon after start and every hour, so a seat added during the day
 * counts.
 */
@Singleton
public class UsageRecorder {

    private static final Logger LOG = Logger.getLogger(UsageRecorder.class);

    @Inject
    Pool pool;
    @Inject
    SeatService seats;
    @Inject
    Clock clock;

    /** Shortly after start (on a Vert.x context, as Hibernate Reactive needs), then every hour. */
    @Scheduled(every = "1h", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return recordToday().onFailure().invoke(failure -> LOG.warnf("Could not record today's seat usage: %s",
                failure.getMessage())).onFailure().recoverWithNull();
    }

    /** Today's (UTC, by the injected clock) seats as the license counts them, kept at the day's highest. */
    public Uni<Void> recordToday() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return Panache.withSession(seats::usage).chain(usage -> pool.preparedQuery(
                "insert into usage_days (day, seats, read_only_seats, recorded_at) values ($1, $2, $3, $4) "
                        + "on conflict (day) do update set seats = greatest(usage_days.seats, excluded.seats), "
                        + "read_only_seats = greatest(usage_days.read_only_seats, excluded.read_only_seats), "
                        + "recorded_at = excluded.recorded_at")
                .execute(Tuple.of(today, (int) usage.seats(), (int) usage.readOnlyUsers(),
                        clock.instant().atOffset(ZoneOffset.UTC))))
                .replaceWithVoid();
    }
}
