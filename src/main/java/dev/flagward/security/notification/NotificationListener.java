package dev.flagward.security.notification;

import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.SeenAtWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replica's one LISTEN connection. It keeps the credential cache in step with every other replica: database
 * triggers announce each change as {@code <kind>:<selector>} on {@link #CHANNEL} in the changing transaction
 * (delivered on commit), and this replica suspends and reloads that one selector. Last-use batches arrive on
 * {@link SeenAtWriter#CHANNEL}. Features add their own channels ({@link NotificationChannel}). Notifications sent while the
 * connection was down are lost, so every new connection is followed by one full reload, and each feature channel is
 * told so it can catch up too.
 */
@Singleton
public class NotificationListener {

    static final String CHANNEL = "flagward_credentials";
    private static final Logger LOG = Logger.getLogger(NotificationListener.class);

    private final CredentialCache cache;
    private final Counter received;
    private final Timer lag;
    private final Instance<NotificationChannel> channels;
    private final Vertx vertx;
    private final Config config;
    private final CompletableFuture<Void> firstListen = new CompletableFuture<>();
    private volatile boolean initialLoadStarted;
    private volatile Object lastListenConnection;
    private volatile boolean listening;
    private volatile boolean stopping;
    private volatile PgSubscriber subscriber;

    public NotificationListener(CredentialCache cache, Instance<NotificationChannel> channels, Vertx vertx,
            Config config,
            MeterRegistry registry) {
        this.received = Counter.builder("flagward.revocation.notifications")
                .description("Credential change notifications received (revocations, expiries, new credentials)")
                .register(registry);
        this.lag = Timer.builder("flagward.revocation.lag")
                .description("From the changing transaction's start to this replica receiving its notification")
                .publishPercentileHistogram().register(registry);
        this.cache = cache;
        this.channels = channels;
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * Runs after bootstrap tokens are inserted (priority 30), so readiness implies they are usable. LISTEN comes
     * first and the one full load after it, so no change can fall between the two and nothing is loaded twice (at
     * 100,000 tokens a second, overlapping load doubled the heap at start). If LISTEN cannot be established within a
     * few seconds the load goes ahead, and the first successful LISTEN reloads.
     */
    void onStart(@Observes @Priority(30) StartupEvent event) {
        listen();
        try {
            firstListen.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("LISTEN for credential changes is not established yet; loading the cache without it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PgSubscriber current = subscriber;
        lastListenConnection = current == null ? null : current.getDelegate().actualConnection();
        initialLoadStarted = true;
        cache.reloadAll().await().atMost(Duration.ofMinutes(2));
        cache.markLoaded();
        LOG.infof("Credential cache loaded: %d credentials", cache.size());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        PgSubscriber current = subscriber;
        if (current != null) {
            current.close().await().atMost(Duration.ofSeconds(5));
        }
    }

    public boolean isListening() {
        return listening;
    }

    private void listen() {
        PgSubscriber next = PgSubscriber.subscriber(vertx, DatasourceConnectOptions.from(config));
        // Never give up: the subscriber is rebuilt only if the very first connect fails.
        next.reconnectPolicy(retries -> 500L);
        next.closeHandler(() -> listening = false);
        next.channel(CHANNEL)
                .handler(this::onChange)
                .subscribeHandler(() -> {
                    listening = true;
                    firstListen.complete(null);
                    if (!initialLoadStarted) {
                        return; // the initial load, about to run, sees everything from here on
                    }
                    // The handler can run more than once per connection (once per channel's LISTEN); only a new
                    // connection can have missed notifications, and it is caught up once.
                    Object connection = next.getDelegate().actualConnection();
                    if (connection == null || connection == lastListenConnection) {
                        return;
                    }
                    lastListenConnection = connection;
                    cache.reloadAll().subscribe().with(ok -> LOG.debug("Credential cache reloaded after LISTEN"),
                            failure -> LOG.warnf("Credential cache reload failed: %s", failure.getMessage()));
                });
        next.channel(SeenAtWriter.CHANNEL).handler(payload -> SeenAtWriter.decode(payload, cache::advanceSeen));
        for (NotificationChannel channel : channels) {
            next.channel(channel.channel()).handler(channel::onNotification).subscribeHandler(channel::onListening);
        }
        subscriber = next;
        next.connect().subscribe().with(ok -> LOG.debug("Listening for credential changes"), failure -> {
            LOG.warnf("Cannot LISTEN for credential changes yet (%s); retrying", failure.getMessage());
            next.close().subscribe().with(x -> {}, x -> {});
            if (!stopping) {
                vertx.setTimer(1000, id -> listen());
            }
        });
    }

    private void onChange(String payload) {
        int colon = payload.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String kind = payload.substring(0, colon);
        String rest = payload.substring(colon + 1);
        int at = rest.indexOf('@');
        received.increment();
        if (at > 0) {
            try {
                long lagMillis = System.currentTimeMillis() - Long.parseLong(rest.substring(at + 1));
                lag.record(Math.max(0, lagMillis), TimeUnit.MILLISECONDS);
            } catch (NumberFormatException e) {
                LOG.debugf("A credential notification with an unreadable time: %s", payload);
            }
        }
        String selector = at > 0 ? rest.substring(0, at) : rest;
        // Fail closed: suspend it first, so a revocation holds even if the reload below cannot reach the database.
        cache.suspend(selector);
        cache.refresh(kind, selector).subscribe().with(ok -> {},
                failure -> LOG.warnf("Could not refresh credential %s: %s", selector, failure.getMessage()));
    }
}
