package dev.flagward.signal;

import dev.flagward.security.notification.NotificationChannel;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code flagward_signals} notification channel: a replica announces committed signals on it to every replica,
 * itself included, whose stream then reads them ({@link SignalStream#read}). Announcements go right after the commit
 * and coalesced, because a NOTIFY inside the inserting transaction would serialise every ingestion commit on
 * PostgreSQL's notify lock.
 */
@Singleton
public class SignalChannel implements NotificationChannel {

    static final String CHANNEL = "flagward_signals";
    private static final Logger LOG = Logger.getLogger(SignalChannel.class);
    /** How long announcements wait for company. */
    static final Duration COALESCE = Duration.ofMillis(20);

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    SignalStream stream;
    private final List<Long> unannounced = new ArrayList<>();

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
            if (payload.length() > 7900) { // a NOTIFY payload must stay under 8000 bytes
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
        pool.preparedQuery("select pg_notify($1, $2)").execute(Tuple.of(CHANNEL, payload)).subscribe().with(ok -> {},
                failure -> LOG.debugf("Could not announce signals: %s", failure.getMessage()));
    }

    /** An announcement says that there is something to read; what, the stream reads from the table. */
    @Override
    public void onNotification(String payload) {
        stream.read();
    }

    /** Announcements sent while there was no LISTEN connection were lost: read whatever came meanwhile. */
    @Override
    public void onListening() {
        stream.read();
    }
}
