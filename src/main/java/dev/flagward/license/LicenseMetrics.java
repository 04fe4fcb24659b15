package dev.flagward.license;

import dev.flagward.user.SeatService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * License gauges for alerting: days to expiry (negative once expired; absent without a license), seats and
 * read-only users in use against their limits (a limit of -1 means none). Seat counts are read every minute, so
 * a scrape never waits for the database.
 */
@Startup
@Singleton
public class LicenseMetrics {

    private final LicenseService license;
    private final SeatService seats;
    private final Clock clock;
    private final AtomicLong seatsUsed = new AtomicLong();
    private final AtomicLong readOnlyUsed = new AtomicLong();

    public LicenseMetrics(LicenseService license, SeatService seats, Clock clock, MeterRegistry registry) {
        this.license = license;
        this.seats = seats;
        this.clock = clock;
        Gauge.builder("flagward.license.days.to.expiry", this, LicenseMetrics::daysToExpiry)
                .description("Days until the license expires (negative: expired; NaN: none installed)")
                .register(registry);
        Gauge.builder("flagward.license.seats", seatsUsed, AtomicLong::get).tag("state", "used")
                .description("Seats in use as the license counts them").register(registry);
        Gauge.builder("flagward.license.seats", this,
                m -> limit(m.license.limits() == null ? null : m.license.limits().seats))
                .tag("state", "limit").description("The license's seat limit (-1: none)").register(registry);
        Gauge.builder("flagward.license.read.only.users", readOnlyUsed, AtomicLong::get).tag("state", "used")
                .description("Read-only users (Viewers) in use").register(registry);
        Gauge.builder("flagward.license.read.only.users", this,
                m -> limit(m.license.limits() == null ? null : m.license.limits().readOnlyUsers))
                .tag("state", "limit").description("The license's read-only user limit (-1: none)").register(registry);
    }

    private static double limit(Integer value) {
        return value == null ? -1 : value;
    }

    double daysToExpiry() {
        License current = license.limits();
        if (current == null) {
            return Double.NaN;
        }
        return Duration.between(clock.instant(), current.expiresAt).toSeconds() / 86_400.0;
    }

    @Scheduled(every = "60s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return Panache.withSession(seats::usage).invoke(usage -> {
            seatsUsed.set(usage.seats());
            readOnlyUsed.set(usage.readOnlyUsers());
        }).replaceWithVoid().onFailure().recoverWithNull();
    }
}
