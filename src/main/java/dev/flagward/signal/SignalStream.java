package dev.flagward.signal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flagward.security.NotificationChannel;
import dev.flagward.signal.SignalApi.SignalView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live stream of signals (SPEC §6.5), from every replica: each insert is announced on {@code flagward_signals}
 * with its id only, and this replica fetches the signal by id (never from the notification) and hands it to every
 * subscriber here. A subscriber that gives the last id it saw first gets everything retained after it, then the live
 * signals, without a gap or a repeat at the seam. After the LISTEN connection comes back, what was announced while
 * it was down is fetched too.
 */
@Singleton
public class SignalStream implements NotificationChannel {

    static final String CHANNEL = "flagward_signals";
    private static final Logger LOG = Logger.getLogger(SignalStream.class);
    private static final int PAGE = 500;

    private final SignalQueries queries;
    private final BroadcastProcessor<SignalView> live = BroadcastProcessor.create();
    private final AtomicInteger subscribers = new AtomicInteger();
    /** The highest signal id announced to this replica, so a reconnect knows where to catch up from. */
    private final AtomicLong highestAnnounced = new AtomicLong();
    /** Ids broadcast lately: a catch-up after a reconnect and a late notification never send one twice. */
    private final Cache<Long, Boolean> broadcast = Caffeine.newBuilder().maximumSize(10_000).build();

    public SignalStream(SignalQueries queries) {
        this.queries = queries;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void onNotification(String payload) {
        long id;
        try {
            id = Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return;
        }
        highestAnnounced.accumulateAndGet(id, Math::max);
        if (subscribers.get() > 0) {
            queries.byId(id).subscribe().with(this::publish, failure -> LOG.debugf("Could not fetch signal %d: %s", id, failure.getMessage()));
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

    /** One consumer: while it catches up, live signals wait, and those it already got from the backlog are dropped. */
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
            } else {
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
            sentFromBacklog = null;
        }
    }

    /** For tests and operators: how many consumers this replica is streaming to. */
    public int subscribers() {
        return subscribers.get();
    }

}
