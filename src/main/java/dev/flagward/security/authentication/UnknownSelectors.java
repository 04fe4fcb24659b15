package dev.flagward.security.authentication;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import java.time.Duration;

/**
 * What a selector the cache does not hold may cost. The cache holds every credential and notifications keep it
 * current, so a miss is nearly always a secret nobody holds; the database is asked only to cover the moment between
 * another replica's commit and its notification. Those lookups are bounded by a token bucket
 * ({@code flagward.security.miss-lookups-per-second}): beyond it a miss is answered from memory (unknown). Selectors
 * looked up and not found are remembered in a bounded negative cache (Caffeine: size and time bounds, evicting by
 * frequency, never emptied at once), which a change announced for that selector clears.
 */
final class UnknownSelectors {

    private final Cache<String, Boolean> unknown;
    private final Bucket lookups;

    UnknownSelectors(SecurityConfig config) {
        this.unknown = Caffeine.newBuilder()
                .maximumSize(config.negativeCacheSize())
                .expireAfterWrite(config.negativeCacheTtl())
                // Evict on the calling thread, at once: a flood never holds more than the bound, even briefly.
                .executor(Runnable::run)
                .build();
        long rate = Math.max(1, config.missLookupsPerSecond());
        this.lookups = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)).build())
                .build();
    }

    /** Looked up lately and not found. */
    boolean remembered(String selector) {
        return unknown.getIfPresent(selector) != null;
    }

    void remember(String selector) {
        unknown.put(selector, Boolean.TRUE);
    }

    void forget(String selector) {
        unknown.invalidate(selector);
    }

    /** Takes one database lookup from the budget; false when it is spent for now. */
    boolean mayLookUp() {
        return lookups.tryConsume(1);
    }

    long estimatedSize() {
        unknown.cleanUp();
        return unknown.estimatedSize();
    }
}
