package dev.flagward.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.security.notification.NotificationChannel;
import dev.flagward.signal.SignalQueries.Page;
import dev.flagward.signal.SignalQueries.Placed;
import dev.flagward.signal.SignalQueries.Position;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live stream of signals (SPEC §6.5), from every replica, in commit order and without gaps.
 * <p>
 * Order: a signal's place is (writing transaction, id). Ids alone are not enough: they are taken at insert, so a lower
 * id can commit after a higher one. A signal is handed out only once every older transaction that may still write has
 * finished ({@link #horizon}), so nothing can appear before a place once it is handed out, and a consumer that resumes
 * after the last signal it got ({@code Last-Event-ID}; a purged signal's place is kept for the resume window) misses
 * nothing and gets nothing twice. A transaction running for longer than {@code flagward.signals.stream-settle} is no
 * longer waited for: Flagward's own writers are single statements, and something else (an operator's open session, a
 * batch job, another database of the same server) must not hold the stream up for good.
 * <p>
 * Each replica reads the table once for all of its consumers (the feed), from the last place it handed out: when a
 * replica announces committed signals on {@code flagward_signals} ({@link #announce}, right after the commit and
 * coalesced, because a NOTIFY inside the inserting transaction would serialise every ingestion commit on PostgreSQL's
 * notify lock), after every new LISTEN connection, and every {@link #POLL_EVERY} while anyone listens, so a signal
 * whose announcement was lost (a crash between commit and NOTIFY, a dropped connection) still arrives. Every read pages
 * until it has everything that may go. A consumer that resumes first reads what it missed, a page at a time as it
 * takes them, while the live signals it is sent wait; what the feed had handed out when it joined counts as settled
 * for it too, so it never stops short of a place the feed has passed.
 * <p>
 * Memory: each signal is rendered to JSON once for every consumer of the replica; a page holds about 1 MB of payload
 * at most; a consumer that falls too far behind is ended and resumes by id.
 */
@Singleton
public class SignalStream implements NotificationChannel {

    static final String CHANNEL = "flagward_signals";
    private static final Logger LOG = Logger.getLogger(SignalStream.class);
    /** Signals read at once, by the feed and by a consumer catching up. */
    static final int PAGE = 500;
    /** How long announcements wait for company. */
    static final Duration COALESCE = Duration.ofMillis(20);
    /** The feed reads this often while anyone listens, whether or not announcements arrive. */
    static final Duration POLL_EVERY = Duration.ofSeconds(1);
    /** Signals that must wait for an older transaction are read again this soon. */
    static final Duration SETTLE_RETRY = Duration.ofMillis(20);
    /** Live signals a consumer that is still catching up may hold back; beyond, it is ended and resumes by id. */
    static final int MAX_HELD_BACK = 10_000;
    /**
     * JSON a consumer may have waiting (held back while it catches up, or not yet taken): signals are up to 100 kB,
     * so a count alone would let one stalled consumer hold 100 MB. Beyond, it is ended and resumes by id.
     */
    static final long MAX_BEHIND_BYTES = 4L << 20;

    /** What a consumer receives, in order: where it starts, then signals, with heartbeats in between. */
    public sealed interface Delivery {
        /** First: the id a consumer reconnecting from here gives as {@code Last-Event-ID} (0: before every signal). */
        record Opening(long lastId) implements Delivery {
        }

        /** A signal: its id and its JSON (rendered once for every consumer of this replica). */
        record Signal(long id, String json) implements Delivery {
        }

        /** Nothing happened; something is sent anyway. */
        record Heartbeat() implements Delivery {
        }
    }

    private static final Delivery HEARTBEAT = new Delivery.Heartbeat();

    private final SignalQueries queries;
    private final Pool pool;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final List<Long> unannounced = new ArrayList<>();

    // The replica's feed: one reader for every consumer. Guarded by `feed`; consumers are sent to outside it.
    private final Object feed = new Object();
    private final List<Consumer> consumers = new ArrayList<>();
    /** The last place handed to the consumers; null while nobody listens. */
    private Position cursor;
    /** Bumped whenever the feed stops, so that a read begun for an earlier feed is dropped. */
    private long generation;
    private boolean reading;
    private boolean readAgain;
    private long pollTimer = -1;
    private long heartbeatTimer = -1;
    /** Running transactions → when this replica first saw them running (System.nanoTime()). */
    private final Map<Long, Long> runningSince = new ConcurrentHashMap<>();
    private final Duration heartbeat;
    private final int buffer;
    private volatile Duration settle;

    public SignalStream(SignalQueries queries, Pool pool, Vertx vertx, ObjectMapper json, SignalConfig config) {
        this.queries = queries;
        this.pool = pool;
        this.vertx = vertx;
        this.json = json;
        this.heartbeat = config.streamHeartbeat();
        this.buffer = config.streamBuffer();
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

    @Override
    public String channel() {
        return CHANNEL;
    }

    /**
     * Tells every replica (this one included) that signals are committed. Never fails the caller. Ids announced within
     * {@link #COALESCE} go out together, in one statement: under load one notification carries many signals.
     */
    public void announce(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        boolean first;
        synchronized (unannounced) {
            first = unannounced.isEmpty();
            unannounced.addAll(ids);
        }
        if (first) {
            vertx.setTimer(COALESCE.toMillis(), timer -> flushAnnouncements());
        }
    }

    private void flushAnnouncements() {
        List<Long> ids;
        synchronized (unannounced) {
            ids = new ArrayList<>(unannounced);
            unannounced.clear();
        }
        StringBuilder payload = new StringBuilder();
        for (Long id : ids) {
            if (payload.length() > 7900) {
                send(payload.toString());
                payload.setLength(0);
            }
            payload.append(payload.length() == 0 ? "" : ",").append(id);
        }
        if (payload.length() > 0) {
            send(payload.toString());
        }
    }

    private void send(String payload) {
        pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(CHANNEL, payload)).subscribe().with(ok -> { },
                failure -> LOG.debugf("Could not announce signals: %s", failure.getMessage()));
    }

    /** An announcement says that there is something to read; what, the feed reads from the table. */
    @Override
    public void onNotification(String payload) {
        read();
    }

    /** Announcements sent while there was no LISTEN connection were lost: read whatever came meanwhile. */
    @Override
    public void onListening() {
        read();
    }

    /**
     * New signals from now on; with {@code lastSeenId}, first every retained signal after that one. What was missed is
     * read a page at a time as the consumer takes it; live signals wait meanwhile, and afterwards go through a buffer
     * of {@code flagward.signals.stream-buffer}: a consumer that falls further behind is ended (it resumes by id).
     */
    public Multi<Delivery> from(Long lastSeenId) {
        return Multi.createFrom().deferred(() -> {
            Consumer consumer = new Consumer(buffer);
            return Multi.createFrom().uni(join(consumer).chain(joined -> {
                        consumer.joined = joined;
                        return lastSeenId == null ? Uni.createFrom().item(joined) : resumePoint(lastSeenId);
                    }))
                    .onItem().transformToMultiAndConcatenate(start -> {
                        consumer.reached = start;
                        Multi<Delivery> opening = Multi.createFrom().item(new Delivery.Opening(lastSeenId != null ? lastSeenId : start.id()));
                        Multi<Delivery> live = Multi.createFrom().<Delivery>emitter(consumer::goLive);
                        return lastSeenId == null ? Multi.createBy().concatenating().streams(opening, live)
                                : Multi.createBy().concatenating().streams(opening, backlog(consumer, start), live);
                    })
                    .onTermination().invoke(() -> leave(consumer));
        });
    }

    /** For tests and operators: how many consumers this replica is streaming to. */
    public int subscribers() {
        synchronized (feed) {
            return consumers.size();
        }
    }

    /** Tests: everything settled so far has reached this replica's consumers. */
    boolean fedUpTo(long signalId) {
        synchronized (feed) {
            return cursor != null && cursor.id() >= signalId;
        }
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

    /** Right after the signal a consumer last got; its place is known while it is stored and for the resume window. */
    private Uni<Position> resumePoint(long lastSeenId) {
        return queries.placeOf(lastSeenId).chain(place -> place != null ? Uni.createFrom().item(place)
                // Unknown: purged longer ago than the resume window (what it missed is gone), or never stored.
                : queries.beforeEarliestAfter(lastSeenId).chain(before -> before != null ? Uni.createFrom().item(before)
                : horizon().chain(queries::headBefore)));
    }

    /** Adds a consumer to the feed; the place the feed has reached, from which it sends the consumer everything. */
    private Uni<Position> join(Consumer consumer) {
        synchronized (feed) {
            if (cursor != null) {
                return Uni.createFrom().item(add(consumer));
            }
        }
        return horizon().chain(queries::headBefore).map(head -> {
            synchronized (feed) {
                if (consumer.closed) {
                    return head; // it left while the head was read: no feed starts for it
                }
                if (cursor == null) {
                    cursor = head;
                }
                return add(consumer);
            }
        });
    }

    /** Under the feed's lock. */
    private Position add(Consumer consumer) {
        if (!consumer.closed) {
            consumers.add(consumer);
            if (pollTimer < 0) {
                pollTimer = vertx.setPeriodic(POLL_EVERY.toMillis(), id -> read());
                heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), id -> heartbeat());
            }
        }
        return cursor;
    }

    private void leave(Consumer consumer) {
        synchronized (feed) {
            consumer.closed = true;
            if (consumers.remove(consumer) && consumers.isEmpty()) {
                cursor = null;
                generation++;
                vertx.cancelTimer(pollTimer);
                vertx.cancelTimer(heartbeatTimer);
                pollTimer = -1;
                heartbeatTimer = -1;
            }
        }
    }

    /** One timer for every consumer of the replica. */
    private void heartbeat() {
        List<Consumer> all;
        synchronized (feed) {
            all = List.copyOf(consumers);
        }
        all.forEach(Consumer::heartbeat);
    }

    /** Reads what may go after the feed's place and hands it to every consumer; one read at a time. */
    private void read() {
        long readFor;
        Position from;
        synchronized (feed) {
            if (cursor == null) {
                return; // nobody listens
            }
            if (reading) {
                readAgain = true;
                return;
            }
            reading = true;
            readAgain = false;
            readFor = generation;
            from = cursor;
        }
        readPage(readFor, from);
    }

    private void readPage(long readFor, Position from) {
        horizon().chain(horizon -> queries.after(from, PAGE).map(page -> new Batch(mayGo(page.signals(), horizon, null), page)))
                .subscribe().with(batch -> {
                    try {
                        handOut(readFor, batch);
                    } catch (RuntimeException e) {
                        synchronized (feed) {
                            reading = false;
                        }
                        LOG.warnf(e, "Could not hand out new signals (the next poll tries again)");
                    }
                }, failure -> {
                    synchronized (feed) {
                        reading = false;
                    }
                    LOG.debugf("Could not read new signals (the next poll tries again): %s", failure.getMessage());
                });
    }

    private void handOut(long readFor, Batch batch) {
        List<Placed> going = batch.signals();
        List<Delivery.Signal> signals = new ArrayList<>(going.size());
        going.forEach(placed -> signals.add(render(placed)));
        List<Consumer> to;
        Position reached;
        synchronized (feed) {
            if (readFor != generation) {
                reading = false;
                if (readAgain && cursor != null) {
                    vertx.runOnContext(() -> read()); // asked for meanwhile, by the feed that starts now
                }
                return; // everybody left meanwhile; a new feed starts from its own place
            }
            if (!going.isEmpty()) {
                cursor = going.get(going.size() - 1).position();
            }
            reached = cursor;
            to = List.copyOf(consumers);
        }
        for (int i = 0; i < going.size(); i++) {
            for (Consumer consumer : to) {
                consumer.feed(going.get(i).position(), signals.get(i));
            }
        }
        if (batch.complete() && batch.page().more()) {
            readPage(readFor, reached);
            return;
        }
        if (!batch.complete()) {
            vertx.setTimer(SETTLE_RETRY.toMillis(), timer -> read()); // an older transaction still runs
        }
        boolean again;
        synchronized (feed) {
            reading = false;
            again = readAgain;
        }
        if (again) {
            read();
        }
    }

    /**
     * What a resuming consumer missed, one page at a time as it takes them. Places up to where the feed stood when the
     * consumer joined may go whatever runs now (the feed handed them out already); beyond, the horizon decides.
     */
    private Multi<Delivery> backlog(Consumer consumer, Position after) {
        AtomicReference<Position> next = new AtomicReference<>(after);
        return Multi.createBy().repeating()
                .uni(() -> horizon().chain(horizon -> queries.after(next.get(), PAGE)
                        .map(page -> new Batch(mayGo(page.signals(), horizon, consumer.joined), page))))
                .whilst(batch -> {
                    if (!batch.signals().isEmpty()) {
                        next.set(batch.signals().get(batch.signals().size() - 1).position());
                    }
                    return batch.complete() && batch.page().more();
                })
                .onItem().transformToIterable(Batch::signals)
                .map(placed -> {
                    consumer.reached = placed.position();
                    return (Delivery) render(placed);
                });
    }

    /** The signals of a page that may go now, and the page they came from. */
    private record Batch(List<Placed> signals, Page page) {
        boolean complete() {
            return signals.size() == page.signals().size();
        }
    }

    private Delivery.Signal render(Placed placed) {
        try {
            return new Delivery.Signal(placed.signal().id(), json.writeValueAsString(placed.signal()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A signal view is always serialisable", e);
        }
    }

    /**
     * One consumer of the feed. Until it goes live (what it missed is sent), the feed's signals wait here; then they go
     * to its live stream, each only when its place is after the last place the consumer was sent, so nothing goes
     * twice and nothing goes back.
     */
    private static final class Consumer {
        volatile boolean closed;
        /** Where the feed stood when the consumer joined. */
        volatile Position joined;
        /** The last place sent from the backlog (or where the consumer started); read when it goes live. */
        volatile Position reached;
        private final int maxEvents;
        private MultiEmitter<? super Delivery> live;
        private Position sent;
        private List<Held> heldBack = new ArrayList<>();
        private long heldBytes;
        /** What waits for the client to take it: bounded by count and by size (signals are up to 100 kB each). */
        private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        private long queuedBytes;
        private boolean ended;

        private record Held(Position at, Delivery.Signal signal) {
        }

        Consumer(int maxEvents) {
            this.maxEvents = maxEvents;
        }

        synchronized void goLive(MultiEmitter<? super Delivery> emitter) {
            if (heldBack == null) {
                emitter.complete(); // it fell behind while catching up
                return;
            }
            live = emitter;
            emitter.onRequest(requested -> drain());
            sent = reached;
            List<Held> held = heldBack;
            heldBack = null;
            heldBytes = 0;
            for (Held signal : held) {
                sendAt(signal.at(), signal.signal());
            }
            drain();
        }

        synchronized void feed(Position at, Delivery.Signal signal) {
            if (live != null) {
                sendAt(at, signal);
                drain();
            } else if (heldBack != null) {
                heldBack.add(new Held(at, signal));
                heldBytes += signal.json().length();
                if (heldBack.size() > MAX_HELD_BACK || heldBytes > MAX_BEHIND_BYTES) {
                    // It ends when its backlog is sent, and resumes from there: memory stays bounded, nothing is skipped.
                    LOG.debug("A consumer of the signal stream fell behind while catching up; it is ended after its backlog");
                    heldBack = null;
                    heldBytes = 0;
                }
            }
        }

        synchronized void heartbeat() {
            if (live != null && queue.isEmpty()) {
                enqueue(HEARTBEAT, 0);
                drain();
            }
        }

        private void sendAt(Position at, Delivery.Signal signal) {
            if (at.compareTo(sent) > 0) {
                sent = at;
                enqueue(signal, signal.json().length());
            }
        }

        private void enqueue(Delivery delivery, long bytes) {
            if (ended) {
                return;
            }
            queue.add(delivery);
            queuedBytes += bytes;
            if (queue.size() > maxEvents || queuedBytes > MAX_BEHIND_BYTES) {
                // The client takes less than comes: end it (it resumes by id) rather than hold more for it.
                LOG.debug("A consumer of the signal stream fell behind; ending it (it resumes by id)");
                ended = true;
                queue.clear();
                queuedBytes = 0;
                live.complete();
            }
        }

        /** Hands the client what it asked for (the framework asks for the next one once the last is written). */
        synchronized void drain() {
            while (!ended && !queue.isEmpty() && live.requested() > 0) {
                Delivery next = queue.poll();
                if (next instanceof Delivery.Signal signal) {
                    queuedBytes -= signal.json().length();
                }
                live.emit(next);
            }
        }
    }
}
