package dev.flagward.security.authentication;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which selectors changed since a database read began, so that the read does not overwrite a newer change with what
 * it read before it (a lookup of one selector, or a full load). Every change takes the next epoch; every read
 * registers the epoch it began at.
 * <p>
 * Bounded: a change only matters to reads that began before it. Once no read in flight began before a change, its
 * entry is dropped, so the log holds the changes of the oldest read in flight, not every change ever made (every
 * sign-in is one). It is pruned when a read ends and whenever it has grown by {@link #PRUNE_EVERY} entries.
 */
final class ChangeLog {

    static final int PRUNE_EVERY = 256;

    private final AtomicLong epoch = new AtomicLong();
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
    /** Epochs at which reads in flight began → how many began then. Guarded by {@code this}. */
    private final TreeMap<Long, Integer> readsInFlight = new TreeMap<>();
    private volatile int sizeAfterPrune;

    /** Records a change of this selector. */
    void changed(String selector) {
        changedAt.put(selector, epoch.incrementAndGet());
        if (changedAt.size() >= sizeAfterPrune + PRUNE_EVERY) {
            prune();
        }
    }

    /** Registers a read that begins now; pass the result to {@link #changedSince} and then to {@link #end}. */
    synchronized long begin() {
        long now = epoch.get();
        readsInFlight.merge(now, 1, Integer::sum);
        return now;
    }

    synchronized void end(long began) {
        readsInFlight.computeIfPresent(began, (key, count) -> count == 1 ? null : count - 1);
        prune();
    }

    /** True when the selector changed after a read that began at {@code began}. */
    boolean changedSince(String selector, long began) {
        Long at = changedAt.get(selector);
        return at != null && at > began;
    }

    int size() {
        return changedAt.size();
    }

    /** Drops every change that no read in flight can be told about (none began before it). */
    synchronized void prune() {
        long floor = readsInFlight.isEmpty() ? epoch.get() : readsInFlight.firstKey();
        changedAt.values().removeIf(at -> at <= floor);
        sizeAfterPrune = changedAt.size();
    }
}
