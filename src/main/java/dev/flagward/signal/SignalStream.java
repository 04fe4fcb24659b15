package dev.flagward.signal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flagward.security.NotificationChannel;
import dev.flagward.signal.SignalApi.SignalView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live stream of signals (SPEC §6.5), from every replica: the replica that stores signals announces their ids on
 * {@code flagward_signals} right after the commit ({@link #announce}; several ids per notification, comma-separated),
 * and every replica fetches them by id (never from the notification) and hands them to its subscribers. Announcing
 * after the commit, in a statement of its own, matters: a NOTIFY inside the inserting transaction would take
 * PostgreSQL's database-wide notify lock through the commit's WAL flush and serialise all ingestion. A subscriber that gives the last id it saw first gets everything retained after it, then the live
 * signals, without a gap or a repeat at the seam. After the LISTEN connection comes back, what was announced while
 * it was down is fetched too.
 */
@Singleton
public class SignalStream implements NotificationChannel {

    static final String CHANNEL = "flagward_signals";
    private static final Logger LOG = Logger.getLogger(SignalStream.class);
    private static final int PAGE = 500;

    /** How long announcements wait for company. */
    static final Duration COALESCE = Duration.ofMillis(20);

    private final SignalQueries queries;
    private final Pool pool;
    private final Vertx vertx;
    private final List<Long> unannounced = new ArrayList<>();
    private final BroadcastProcessor<SignalView> live = BroadcastProcessor.create();
    private final AtomicInteger subscribers = new AtomicInteger();
    /** The highest signal id announced to this replica, so a reconnect knows where to catch up from. */
    private final AtomicLong highestAnnounced = new AtomicLong();
    /** Ids broadcast lately: a catch-up after a reconnect and a late notification never send one twice. */
    private final Cache<Long, Boolean> broadcast = Caffeine.newBuilder().maximumSize(10_000).build();

    public SignalStream(SignalQueries queries, Pool pool, Vertx vertx) {
        this.queries = queries;
        this.pool = pool;
        this.vertx = vertx;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /**
     * Tells every replica (this one included) that these signals are committed. Never fails the caller. Ids announced
     * within {@link #COALESCE} go out together, in one statement: under load one notification carries many signals.
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

    @Override
    public void onNotification(String payload) {
        List<Long> ids = new ArrayList<>();
        for (String part : payload.split(",")) {
            try {
                ids.add(Long.parseLong(part.strip()));
            } catch (NumberFormatException e) {
                // not ours
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        ids.forEach(id -> highestAnnounced.accumulateAndGet(id, Math::max));
        if (subscribers.get() > 0) {
            queries.byIds(ids).subscribe().with(found -> found.forEach(this::publish),
                    failure -> LOG.debugf("Could not fetch announced signals: %s", failure.getMessage()));
        }
    }

    @Override
    public void onListening() {
        long from = highestAnnounced.get();
        if (subscribers.get() == 0 || from == 0) {
            return;
        }
        queries.after(from, PAGE).subscribe().with(missed -> missed.forEach(this::publish),
                failure -> LOG.debugf("Could not catch up on signals: %s", failure.getMessage()));
    }

    private void publish(SignalView signal) {
        if (signal != null && broadcast.asMap().putIfAbsent(signal.id(), Boolean.TRUE) == null) {
            live.onNext(signal);
        }
    }

    /** New signals from now on; with {@code lastSeenId}, first every retained signal after it. */
    public Multi<SignalView> from(Long lastSeenId) {
        return Multi.createFrom().emitter(emitter -> {
            Subscriber subscriber = new Subscriber(emitter, lastSeenId != null);
            subscribers.incrementAndGet();
            Cancellable liveFeed = live.subscribe().with(subscriber::live, emitter::fail);
            emitter.onTermination(() -> {
                liveFeed.cancel();
                subscribers.decrementAndGet();
            });
            if (lastSeenId != null) {
                catchUp(subscriber, lastSeenId);
            }
        });
    }

    private void catchUp(Subscriber subscriber, long after) {
        queries.after(after, PAGE).subscribe().with(page -> {
            page.forEach(subscriber::backlog);
            if (page.size() == PAGE) {
                catchUp(subscriber, page.get(page.size() - 1).id());
            } else {
                subscriber.caughtUp();
            }
        }, subscriber.emitter::fail);
    }

    /**
     * One consumer: while it catches up, live signals wait, and those it already got from the backlog are dropped,
     * also after the catch-up: a signal committed just before the consumer resumed is announced up to a coalescing
     * delay later, so its live announcement can arrive after the backlog has sent it.
     */
    private static final class Subscriber {
        final MultiEmitter<? super SignalView> emitter;
        private List<SignalView> waiting;
        private Set<Long> sentFromBacklog;

        Subscriber(MultiEmitter<? super SignalView> emitter, boolean catchingUp) {
            this.emitter = emitter;
            if (catchingUp) {
                waiting = new ArrayList<>();
                sentFromBacklog = new HashSet<>();
            }
        }

        synchronized void live(SignalView signal) {
            if (waiting != null) {
                waiting.add(signal);
            } else if (sentFromBacklog == null || !sentFromBacklog.contains(signal.id())) {
                emitter.emit(signal);
            }
        }

        synchronized void backlog(SignalView signal) {
            sentFromBacklog.add(signal.id());
            emitter.emit(signal);
        }

        synchronized void caughtUp() {
            for (SignalView signal : waiting) {
                if (!sentFromBacklog.contains(signal.id())) {
                    emitter.emit(signal);
                }
            }
            waiting = null;
            // sentFromBacklog stays (at most the retained signals it was sent) for announcements still on their way.
        }
    }

    /** For tests and operators: how many consumers this replica is streaming to. */
    public int subscribers() {
        return subscribers.get();
    }

}
