package dev.flagward.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets (Bucket4j) per key, kept in a bounded cache (Caffeine) so that a flood of distinct keys cannot grow
 * memory. Each limit has its own cache: a flood of one limit's keys (sign-in attempts with invented usernames) must
 * never evict another limit's buckets, because an evicted bucket comes back full and its key gets a fresh burst.
 * Limits are per replica. Time is the injected clock's, so tests move it instead of waiting.
 */
@Singleton
public class RateLimits {

    /** Keys one limit holds at most; the least valuable go first (Caffeine evicts by frequency). */
    static final int KEYS_PER_LIMIT = 200_000;

    /** By limit name: a handful, each created once by the code that owns the limit. */
    private final Map<String, Cache<String, Bucket>> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    public RateLimits(Clock clock) {
        this.time = new TimeMeter() {

            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /** A limit: {@code capacity} calls at once, refilled {@code refill} calls every {@code period}. */
    public record Limit(String name, long capacity, long refill, Duration period) {}

    /** Takes one call from the key's bucket, or fails with 429 RateLimitError and a Retry-After in seconds. */
    public void consume(Limit limit, String key) {
        Bucket bucket = keysOf(limit).get(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.refill(), limit.period())
                        .build())
                .withCustomTimePrecision(time)
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            throw new ApiException(429, "RateLimitError", "Too many requests. Try again in " + seconds + " seconds.",
                    null, null, Map.of("Retry-After", String.valueOf(seconds)));
        }
    }

    private Cache<String, Bucket> keysOf(Limit limit) {
        return buckets.computeIfAbsent(limit.name(), name -> Caffeine.newBuilder()
                .maximumSize(KEYS_PER_LIMIT)
                .expireAfterAccess(Duration.ofMinutes(10))
                .build());
    }

    /** Runs pending evictions now (Caffeine does them asynchronously), so a test can observe what a flood evicts. */
    void cleanUp() {
        buckets.values().forEach(Cache::cleanUp);
    }
}
