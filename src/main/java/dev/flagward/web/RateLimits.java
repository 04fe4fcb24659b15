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
import java.util.concurrent.TimeUnit;

/**
 * Token buckets (Bucket4j) per key, kept in a bounded cache (Caffeine) so that a flood of distinct keys cannot grow
 * memory. Limits are per replica. Time is the injected clock's, so tests move it instead of waiting.
 */
@Singleton
public class RateLimits {

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
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
    public record Limit(String name, long capacity, long refill, Duration period) {
    }

    /** Takes one call from the key's bucket, or fails with 429 RateLimitError and a Retry-After in seconds. */
    public void consume(Limit limit, String key) {
        Bucket bucket = buckets.get(limit.name() + '\u0000' + key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.refill(), limit.period()).build())
                .withCustomTimePrecision(time)
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            throw new ApiException(429, "RateLimitError", "Too many requests. Try again in " + seconds + " seconds.",
                    null, null, Map.of("Retry-After", String.valueOf(seconds)));
        }
    }
}
