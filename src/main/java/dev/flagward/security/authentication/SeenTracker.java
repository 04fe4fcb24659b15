package dev.flagward.security.authentication;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last use of credentials, kept in memory and written in batches (every {@code flagward.security.seen-flush-interval},
 * and at shutdown) so that authentication never writes to the database. What is written is the time of the last
 * use, taken from the injected clock, not the time of the write. Listings show only written batches (the cache's
 * {@link StoredCredential#seenAt()}), so a list stays the same, and keeps its ETag, while it is polled.
 */
@Singleton
public class SeenTracker {

    private static final Logger LOG = Logger.getLogger(SeenTracker.class);

    @Inject
    CredentialKinds kinds;
    @Inject
    Clock clock;
    @Inject
    CredentialCache cache;
    private volatile Map<String, Map<String, Instant>> pending = new ConcurrentHashMap<>();

    public void markSeen(String kind, String selector) {
        Instant now = clock.instant();
        pending.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).merge(selector, now,
                (old, fresh) -> fresh.isAfter(old) ? fresh : old);
    }

    /**
     * Writes everything pending. Uses of the same credential during the write land in the next batch. The batch is
     * applied to this replica's cache first, so listings never step back while it is being written.
     */
    public Uni<Void> flush() {
        Map<String, Map<String, Instant>> batch = pending;
        pending = new ConcurrentHashMap<>();
        batch.values().forEach(seen -> seen.forEach(cache::advanceSeen));
        List<Uni<Void>> writes = new ArrayList<>();
        batch.forEach((kind, seen) -> {
            CredentialSource source = kinds.source(kind);
            if (source != null && !seen.isEmpty()) {
                writes.add(source.recordSeen(seen).onFailure().invoke(failure -> {
                    LOG.warnf("Could not record last use of %d %s credentials: %s", seen.size(), kind,
                            failure.getMessage());
                    // Put them back for the next attempt, keeping any newer use.
                    seen.forEach((selector, at) -> pending.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                            .merge(selector, at, (newer, older) -> newer.isAfter(older) ? newer : older));
                }));
            }
        });
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(writes).andCollectFailures().replaceWithVoid();
    }

    @Scheduled(every = "${flagward.security.seen-flush-interval:30s}",
            delayed = "${flagward.security.seen-flush-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledFlush() {
        return flush().onFailure().recoverWithNull();
    }

    /** Before the pool closes (default priority 2500 in Quarkus is later), so pending uses are not lost. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        try {
            flush().await().atMost(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("Could not flush last-use times at shutdown: %s", e.getMessage());
        }
    }
}
