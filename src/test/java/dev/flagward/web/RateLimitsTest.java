package dev.flagward.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Rate limits without a server: buckets per key, and one limit's keys never pushing out another's. */
class RateLimitsTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void aFloodOfOneLimitsKeysLeavesAnotherLimitsBucketsAlone() {
        RateLimits limits = new RateLimits(FIXED);
        // An endpoint's bucket, exhausted: with the clock standing still it would stay so for the hour.
        RateLimits.Limit signal = new RateLimits.Limit("signal", 1, 1, Duration.ofHours(1));
        limits.consume(signal, "7");
        assertEquals(429, assertThrows(ApiException.class, () -> limits.consume(signal, "7")).status());

        // Sign-in attempts with invented usernames, a few tries each (more often used than the endpoint's key, which
        // is what frequency-based eviction keeps), more distinct keys than one limit's cache holds.
        RateLimits.Limit login = new RateLimits.Limit("login", 10, 10, Duration.ofMinutes(1));
        for (int i = 0; i < RateLimits.KEYS_PER_LIMIT + 20_000; i++) {
            String key = "user" + i + "|203.0.113.9";
            limits.consume(login, key);
            limits.consume(login, key);
            limits.consume(login, key);
        }
        limits.cleanUp();

        // An evicted bucket would come back full and let the endpoint's next call through.
        ApiException refused = assertThrows(ApiException.class, () -> limits.consume(signal, "7"));
        assertEquals(429, refused.status());
    }
}
