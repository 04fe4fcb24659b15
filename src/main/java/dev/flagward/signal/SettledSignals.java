package dev.flagward.signal;

import dev.flagward.signal.SignalQueries.Page;
import dev.flagward.signal.SignalQueries.Placed;
import dev.flagward.signal.SignalQueries.Position;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which stored signals may go to the stream (SPEC §6.5), in commit order and without gaps.
 * <p>
 * Order: a signal's place is (writing transaction, id). Ids alone are not enough: they are taken at insert, so a lower
 * id can commit after a higher one. A signal is handed out only once every older transaction that may still write has
 * finished ({@link #horizon}), so nothing can appear before a place once it is handed out, and a consumer that resumes
 * after the last signal it got ({@code Last-Event-ID}; a purged signal's place is kept for the resume window) misses
 * nothing and gets nothing twice. A transaction running for longer than {@code flagward.signals.stream-settle} is no
 * longer waited for: Flagward's own writers are single statements, and something else (an operator's open session, a
 * batch job, another database of the same server) must not hold the stream up for good.
 */
@Singleton
public class SettledSignals {

    /** Signals read at once, by the feed and by a consumer catching up. */
    static final int PAGE = 500;

    private final SignalQueries queries;
    /** Running transactions → when this replica first saw them running (System.nanoTime()). */
    private final Map<Long, Long> runningSince = new ConcurrentHashMap<>();
    private volatile Duration settle;

    public SettledSignals(SignalQueries queries, SignalConfig config) {
        this.queries = queries;
        this.settle = config.streamSettle();
    }

    /** Tests: how long a running transaction is waited for. */
    void settle(Duration waitAtMost) {
        settle = waitAtMost;
    }

    /** Tests: every running transaction looks as if this replica had just seen it start. */
    void forgetRunningTransactions() {
        runningSince.clear();
    }

    /** The signals of a page that may go now, and the page they came from. */
    record Batch(List<Placed> signals, Page page) {

        /** Everything read may go, and the page stopped at its limit: the next page can be read at once. */
        boolean continues() {
            return signals.size() == page.signals().size() && page.more();
        }

        /** Some of the page must wait for an older transaction. */
        boolean waits() {
            return signals.size() < page.signals().size();
        }

        /** The place of the last signal that may go, or {@code before} when none may. */
        Position reached(Position before) {
            return signals.isEmpty() ? before : signals.get(signals.size() - 1).position();
        }
    }

    /**
     * The next page after {@code from}, up to its first signal that may not go yet. Places up to {@code settledUpTo}
     * (when not null) are known to be settled and may go whatever runs now.
     */
    Uni<Batch> after(Position from, Position settledUpTo) {
        return horizon().chain(horizon -> queries.after(from, PAGE)
                .map(page -> new Batch(mayGo(page.signals(), horizon, settledUpTo), page)));
    }

    /** The last place that may go now: a consumer starting now gets everything after it. */
    Uni<Position> head() {
        return horizon().chain(queries::headBefore);
    }

    /** Right after the signal a consumer last got; its place is known while it is stored and for the resume window. */
    Uni<Position> resumePoint(long lastSeenId) {
        return queries.placeOf(lastSeenId).chain(place -> place != null
                ? Uni.createFrom().item(place)
                // Unknown: purged longer ago than the resume window (what it missed is gone), or never stored.
                : queries.beforeEarliestAfter(lastSeenId).chain(before -> before != null
                        ? Uni.createFrom().item(before)
                        : head()));
    }

    /**
     * Everything placed before the returned transaction id may go: the oldest transaction still running, unless it has
     * been running for longer than {@code flagward.signals.stream-settle} (then the next one), else the first id not
     * yet started when the question was asked.
     */
    private Uni<Long> horizon() {
        return queries.running().map(running -> {
            long now = System.nanoTime();
            long horizon = running.xmax();
            Set<Long> current = new HashSet<>();
            for (long tx : running.transactions()) {
                current.add(tx);
                long since = runningSince.computeIfAbsent(tx, key -> now);
                if (now - since < settle.toNanos()) {
                    horizon = Math.min(horizon, tx);
                }
            }
            runningSince.keySet().retainAll(current);
            return horizon;
        });
    }

    /** The start of a page up to its first signal at or beyond the horizon (and beyond {@code settledUpTo}). */
    private static List<Placed> mayGo(List<Placed> page, long horizon, Position settledUpTo) {
        int n = 0;
        while (n < page.size() && (page.get(n).position().tx() < horizon
                || settledUpTo != null && page.get(n).position().compareTo(settledUpTo) <= 0)) {
            n++;
        }
        return page.subList(0, n);
    }
}
