package dev.flagward.security;

import java.time.Instant;

/**
 * The last use of a credential as this replica knows it: the database's value at load, moved forward by this
 * replica's batches and by the batches other replicas announce. Uses not yet in a batch are in {@link SeenTracker}.
 */
public final class LastUse {

    private volatile Instant at;

    LastUse(Instant at) {
        this.at = at;
    }

    /** Null when never used. */
    public Instant at() {
        return at;
    }

    /** Only ever moves forward. */
    synchronized void advance(Instant use) {
        Instant current = at;
        if (current == null || use.isAfter(current)) {
            at = use;
        }
    }
}
