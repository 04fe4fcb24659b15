package dev.flagward.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.signal.SettledSignals.Batch;
import dev.flagward.signal.SignalQueries.Placed;
import dev.flagward.signal.SignalQueries.Position;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live stream of signals (SPEC §6.5), from every replica, in commit order and without gaps: only what
 * {@link SettledSignals} lets go is handed out.
 * <p>
 * Each replica reads the table once for all of its consumers (the feed), from the last place it handed out: when a
 * replica announces committed signals ({@link SignalChannel}), after every new LISTEN connection, and every
 * {@link #POLL_EVERY} while anyone listens, so a signal whose announcement was lost (a crash between commit and
 * NOTIFY, a dropped connection) still arrives. Every read pages until it has everything that may go. A consumer that
 * resumes first reads what it missed, a page at a time as it takes them, while the live signals it is sent wait; what
 * the feed had handed out when it joined counts as settled for it too, so it never stops short of a place the feed
 * has passed.
 * <p>
 * Memory: each signal is rendered to JSON once for every consumer of the replica; a page holds about 1 MB of payload
 * at most; a consumer that falls too far behind is ended and resumes by id ({@link StreamConsumer}).
 */
@Singleton
public class SignalStream {

    private static final Logger LOG = Logger.getLogger(SignalStream.class);
    /** The feed reads this often while anyone listens, whether or not announcements arrive. */
    static final Duration POLL_EVERY = Duration.ofSeconds(1);
    /** Signals that must wait for an older transaction are read again this soon. */
    static final Duration SETTLE_RETRY = Duration.ofMillis(20);

    /** What a consumer receives, in order: where it starts, then signals, with heartbeats in between. */
    public sealed interface Delivery {

        /** First: the id a consumer reconnecting from here gives as {@code Last-Event-ID} (0: before every signal). */
        record Opening(long lastId) implements Delivery {}

        /** A signal: its id and its JSON (rendered once for every consumer of this replica). */
        record Signal(long id, String json) implements Delivery {}

        /** Nothing happened; something is sent anyway. */
        record Heartbeat() implements Delivery {}
    }

    @Inject
    SettledSignals settled;
    @Inject
    Vertx vertx;
    @Inject
    ObjectMapper json;
    @Inject
    SignalConfig config;

    // The replica's feed: one reader for every consumer. Guarded by `feed`; consumers are sent to outside it.
    private final Object feed = new Object();
    private final List<StreamConsumer> consumers = new ArrayList<>();
    /** The last place handed to the consumers; null while nobody listens. */
    private Position cursor;
    /** Bumped whenever the feed stops, so that a read begun for an earlier feed is dropped. */
    private long generation;
    private boolean reading;
    private boolean readAgain;
    private long pollTimer = -1;
    private long heartbeatTimer = -1;

    /**
     * New signals from now on; with {@code lastSeenId}, first every retained signal after that one. What was missed is
     * read a page at a time as the consumer takes it; live signals wait meanwhile, and afterwards go through a buffer
     * of {@code flagward.signals.stream-buffer}: a consumer that falls further behind is ended (it resumes by id).
     */
    public Multi<Delivery> from(Long lastSeenId) {
        return Multi.createFrom().deferred(() -> {
            StreamConsumer consumer = new StreamConsumer(config.streamBuffer());
            return Multi.createFrom().uni(join(consumer).chain(joined -> {
                consumer.joined = joined;
                return lastSeenId == null ? Uni.createFrom().item(joined) : settled.resumePoint(lastSeenId);
            }))
                    .onItem().transformToMultiAndConcatenate(start -> {
                        consumer.reached = start;
                        Multi<Delivery> opening = Multi.createFrom()
                                .item(new Delivery.Opening(lastSeenId != null ? lastSeenId : start.id()));
                        Multi<Delivery> live = Multi.createFrom().<Delivery>emitter(consumer::goLive);
                        return lastSeenId == null
                                ? Multi.createBy().concatenating().streams(opening, live)
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

    /** Adds a consumer to the feed; the place the feed has reached, from which it sends the consumer everything. */
    private Uni<Position> join(StreamConsumer consumer) {
        synchronized (feed) {
            if (cursor != null) {
                return Uni.createFrom().item(add(consumer));
            }
        }
        return settled.head().map(head -> {
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
    private Position add(StreamConsumer consumer) {
        if (!consumer.closed) {
            consumers.add(consumer);
            if (pollTimer < 0) {
                pollTimer = vertx.setPeriodic(POLL_EVERY.toMillis(), id -> read());
                heartbeatTimer = vertx.setPeriodic(config.streamHeartbeat().toMillis(), id -> heartbeat());
            }
        }
        return cursor;
    }

    private void leave(StreamConsumer consumer) {
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
        List<StreamConsumer> all;
        synchronized (feed) {
            all = List.copyOf(consumers);
        }
        all.forEach(StreamConsumer::heartbeat);
    }

    /** Reads what may go after the feed's place and hands it to every consumer; one read at a time. */
    void read() {
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
        settled.after(from, null).subscribe().with(batch -> {
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
        List<StreamConsumer> to;
        Position reached;
        synchronized (feed) {
            if (readFor != generation) {
                reading = false;
                if (readAgain && cursor != null) {
                    vertx.runOnContext(() -> read()); // asked for meanwhile, by the feed that starts now
                }
                return; // everybody left meanwhile; a new feed starts from its own place
            }
            cursor = batch.reached(cursor);
            reached = cursor;
            to = List.copyOf(consumers);
        }
        for (int i = 0; i < going.size(); i++) {
            for (StreamConsumer consumer : to) {
                consumer.feed(going.get(i).position(), signals.get(i));
            }
        }
        if (batch.continues()) {
            readPage(readFor, reached);
            return;
        }
        if (batch.waits()) {
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
    private Multi<Delivery> backlog(StreamConsumer consumer, Position after) {
        AtomicReference<Position> next = new AtomicReference<>(after);
        return Multi.createBy().repeating()
                .uni(() -> settled.after(next.get(), consumer.joined))
                .whilst(batch -> {
                    next.set(batch.reached(next.get()));
                    return batch.continues();
                })
                .onItem().transformToIterable(Batch::signals)
                .map(placed -> {
                    consumer.reached = placed.position();
                    return (Delivery) render(placed);
                });
    }

    private Delivery.Signal render(Placed placed) {
        try {
            return new Delivery.Signal(placed.signal().id(), json.writeValueAsString(placed.signal()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A signal view is always serialisable", e);
        }
    }
}
