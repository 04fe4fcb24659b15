package dev.flagward.support;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * Waiting for what happens elsewhere (another replica, a notification, a background write): polled at a short
 * interval, failing after a bound. Never a fixed sleep, and never a spin: two cores are shared with the server.
 */
public final class Eventually {

    private Eventually() {
    }

    public static ConditionFactory within(Duration limit) {
        return Awaitility.await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }
}
