package dev.flagward.signal;

import dev.flagward.signal.SignalQueries.Position;
import dev.flagward.signal.SignalStream.Delivery;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One consumer of the signal stream's feed. Until it goes live (what it missed is sent), the feed's signals wait here;
 * then they go to its live stream, each only when its place is after the last place the consumer was sent, so nothing
 * goes twice and nothing goes back. What it holds is bounded: a consumer that falls too far behind is ended and
 * resumes by id.
 */
final class StreamConsumer {

    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
    /** Live signals a consumer that is still catching up may hold back; beyond, it is ended and resumes by id. */
    static final int MAX_HELD_BACK = 10_000;
    /**
     * JSON a consumer may have waiting (held back while it catches up, or not yet taken): signals are up to 100 kB,
     * so a count alone would let one stalled consumer hold 100 MB. Beyond, it is ended and resumes by id.
     */
    static final long MAX_BEHIND_BYTES = 4L << 20;
    private static final Delivery HEARTBEAT = new Delivery.Heartbeat();

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

    private record Held(Position at, Delivery.Signal signal) {}

    /** {@code maxEvents}: {@code flagward.signals.stream-buffer}. */
    StreamConsumer(int maxEvents) {
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
                LOG.debug(
                        "A consumer of the signal stream fell behind while catching up; it is ended after its backlog");
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
