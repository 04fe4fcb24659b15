package dev.flagward.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Every credential of every kind, by selector, in memory: authentication is a map lookup, never a table scan.
 * <p>
 * Loaded at start, then kept fresh across replicas by PostgreSQL LISTEN/NOTIFY: database triggers announce every
 * change as {@code <kind>:<selector>} in the changing transaction, and each replica reloads that one selector.
 * The replica that made a change applies it before answering (see {@link #refresh}), so its own clients never see
 * the old state. After every (re)LISTEN the whole cache is reloaded, because notifications sent while the
 * connection was down are lost. A selector missing from the cache is looked up once in the database (a credential
 * created on another replica a moment ago) and, when unknown, remembered in a bounded negative cache.
 * <p>
 * The cache is also the read model of listings: credentials are indexed by group (an API token's name, a user's id)
 * and carry their creation and last-use times, so that listing a token by name is a map lookup too. Last-use times
 * written by any replica's batch are announced on a second channel and moved forward here.
 */
@Singleton
public class CredentialCache {

    static final String CHANNEL = "flagward_credentials";
    /** Last-use batches, announced by the replica that wrote them (see {@link SeenAtWriter}). */
    static final String SEEN_CHANNEL = "flagward_seen";
    /** Newest first, as listings are shown. */
    private static final Comparator<StoredCredential> NEWEST_FIRST = Comparator
            .comparingLong(StoredCredential::createdMicros).reversed()
            .thenComparing(Comparator.comparingLong(StoredCredential::id).reversed());
    private static final Logger LOG = Logger.getLogger(CredentialCache.class);

    private final Map<String, CredentialSource> sources = new HashMap<>();
    private final Map<String, StoredCredential> entries = new ConcurrentHashMap<>();
    /**
     * Group (see {@link #groupOf}: an API token's name, a user's id) → selectors, kept in step with {@code entries}.
     * Most groups hold one credential (token names are mostly unique), so a group of one is just its selector
     * (the map node is all it costs) and becomes a concurrent set of selectors at its second member.
     */
    private final Map<Object, Object> groups = new ConcurrentHashMap<>();
    private final Map<String, Long> unknown = new ConcurrentHashMap<>();
    /** Bumped on every single-selector change; a full reload does not overwrite selectors changed while it ran. */
    private final AtomicLong epoch = new AtomicLong();
    /** Stamped on every entry a full load stores; entries of older generations left after a load are gone. */
    private final AtomicInteger loadGeneration = new AtomicInteger();
    private final Map<String, Long> touchedAt = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final Config config;
    private final SecurityConfig securityConfig;
    private final Counter hits;
    private final Counter misses;
    private final Counter negativeHits;
    private final CompletableFuture<Void> firstListen = new CompletableFuture<>();
    private volatile boolean initialLoadStarted;
    private volatile Object lastListenConnection;
    private volatile boolean loaded;
    private volatile boolean listening;
    private volatile boolean stopping;
    private volatile PgSubscriber subscriber;

    public CredentialCache(Instance<CredentialSource> sources, Vertx vertx, Config config,
                           SecurityConfig securityConfig, MeterRegistry registry) {
        for (CredentialSource source : sources) {
            this.sources.put(source.kind(), source);
        }
        this.vertx = vertx;
        this.config = config;
        this.securityConfig = securityConfig;
        this.hits = Counter.builder("flagward.credential.cache").tag("result", "hit").register(registry);
        this.misses = Counter.builder("flagward.credential.cache").tag("result", "miss").register(registry);
        this.negativeHits = Counter.builder("flagward.credential.cache").tag("result", "negative-hit").register(registry);
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
        reloadAll().await().atMost(Duration.ofMinutes(2));
        loaded = true;
        LOG.infof("Credential cache loaded: %d credentials", entries.size());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        PgSubscriber current = subscriber;
        if (current != null) {
            current.close().await().atMost(Duration.ofSeconds(5));
        }
    }

    /** True once the first full load has finished: a condition of readiness. */
    public boolean isLoaded() {
        return loaded;
    }

    public boolean isListening() {
        return listening;
    }

    public int size() {
        return entries.size();
    }

    /** The credential of this kind and selector, or null. Served from memory except for a never-seen selector. */
    public Uni<StoredCredential> lookup(String kind, String selector) {
        StoredCredential hit = entries.get(selector);
        if (hit != null && !hit.suspended()) {
            hits.increment();
            return Uni.createFrom().item(kind.equals(hit.kind()) ? hit : null);
        }
        Long until = hit == null ? unknown.get(selector) : null;
        if (until != null && until > System.nanoTime()) {
            negativeHits.increment();
            return Uni.createFrom().nullItem();
        }
        misses.increment();
        CredentialSource source = sources.get(kind);
        if (source == null) {
            return Uni.createFrom().nullItem();
        }
        long started = epoch.get();
        return source.load(selector).invoke(found -> {
            boolean untouched = !isTouchedSince(selector, started);
            if (found != null) {
                if (untouched) {
                    store(selector, found);
                }
            } else {
                if (hit != null && untouched) {
                    store(selector, null);
                }
                rememberUnknown(selector);
            }
        });
    }

    /**
     * Reloads one credential from its source and applies it: present → cached, absent → removed. Services call this
     * after their transaction commits, so the change holds on this replica before the response is sent.
     */
    public Uni<Void> refresh(String kind, String selector) {
        CredentialSource source = sources.get(kind);
        if (source == null) {
            return Uni.createFrom().voidItem();
        }
        return source.load(selector).invoke(found -> apply(selector, found)).replaceWithVoid();
    }

    /** Every PAT and session of this user stops at once on this replica (user deleted). */
    public void evictUser(long userId) {
        credentialsOf(userId).forEach(credential -> evict(credential.selector()));
    }

    /** Reloads every credential of this user (role or name changed), so it acts with what the user now is. */
    public Uni<Void> refreshUser(long userId) {
        List<Uni<Void>> reloads = credentialsOf(userId).stream()
                .map(credential -> refresh(credential.kind(), credential.selector())).toList();
        return reloads.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(reloads).andFailFast().replaceWithVoid();
    }

    private List<StoredCredential> credentialsOf(long userId) {
        return inGroup(userId);
    }

    /** Every cached credential of this kind, newest first. */
    public List<StoredCredential> ofKind(String kind) {
        List<StoredCredential> out = new ArrayList<>();
        for (StoredCredential credential : entries.values()) {
            if (kind.equals(credential.kind())) {
                out.add(credential);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** The cached API tokens with this name, newest first. */
    public List<StoredCredential> apiTokensNamed(String tokenName) {
        return inGroup(tokenName);
    }

    /** The cached credentials of one group (see {@link #groupOf}), newest first. */
    private List<StoredCredential> inGroup(Object group) {
        Object members = groups.get(group);
        if (members == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        Collection<String> selectors = members instanceof String single ? List.of(single) : (Set<String>) members;
        List<StoredCredential> out = new ArrayList<>(selectors.size());
        for (String selector : selectors) {
            StoredCredential credential = entries.get(selector);
            if (credential != null && group.equals(groupOf(credential))) {
                out.add(credential);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /**
     * An API token's group is its name (the very string the principal holds, so the index adds no copy of it); a
     * PAT's or session's is its user's id, a {@code Long}. The two key types never collide.
     */
    private static Object groupOf(StoredCredential credential) {
        if (credential.principal() instanceof ApiTokenPrincipal token) {
            return token.tokenName();
        }
        if (credential.principal() instanceof UserPrincipal user) {
            return user.id();
        }
        return null;
    }

    /** Moves a cached credential's last use forward (a batch written here or announced by another replica). */
    public void advanceSeen(String selector, Instant use) {
        StoredCredential credential = entries.get(selector);
        if (credential != null) {
            credential.advanceSeen(use);
        }
    }

    /** Removes a credential from this replica at once (revocation must never wait for a round trip). */
    public void evict(String selector) {
        apply(selector, null);
    }

    private void apply(String selector, StoredCredential found) {
        touchedAt.put(selector, epoch.incrementAndGet());
        unknown.remove(selector);
        store(selector, found);
    }

    /**
     * Stores or (null) removes an entry, keeping the group index in step under the entry's lock. {@link #suspend} and
     * {@link #removeIfCurrent} are the only other writers of entries, under the same lock.
     */
    private void store(String selector, StoredCredential next) {
        entries.compute(selector, (key, previous) -> {
            Object before = previous == null ? null : groupOf(previous);
            Object after = next == null ? null : groupOf(next);
            if (before != null && !before.equals(after)) {
                unindex(selector, before);
            }
            if (after != null) {
                groups.compute(after, (group, members) -> {
                    if (members == null || selector.equals(members)) {
                        return selector;
                    }
                    if (members instanceof String single) {
                        Set<String> grown = ConcurrentHashMap.newKeySet();
                        grown.add(single);
                        grown.add(selector);
                        return grown;
                    }
                    @SuppressWarnings("unchecked")
                    Set<String> set = (Set<String>) members;
                    set.add(selector);
                    return set;
                });
            }
            return next;
        });
    }

    private void unindex(String selector, Object group) {
        if (group == null) {
            return;
        }
        groups.computeIfPresent(group, (key, members) -> {
            if (members instanceof String single) {
                return single.equals(selector) ? null : single;
            }
            Set<?> set = (Set<?>) members;
            set.remove(selector);
            return set.isEmpty() ? null : set;
        });
    }

    /** Marks an entry as being reloaded: it stops authenticating at once, and listings keep showing it meanwhile. */
    public void suspend(String selector) {
        touchedAt.put(selector, epoch.incrementAndGet());
        unknown.remove(selector);
        entries.computeIfPresent(selector, (key, current) -> current.suspend());
    }

    private boolean isTouchedSince(String selector, long started) {
        Long touched = touchedAt.get(selector);
        return touched != null && touched > started;
    }

    private void rememberUnknown(String selector) {
        if (unknown.size() >= securityConfig.negativeCacheSize()) {
            // Bounded: under a flood of random selectors forget everything rather than grow.
            unknown.clear();
        }
        unknown.put(selector, System.nanoTime() + securityConfig.negativeCacheTtl().toNanos());
    }

    /**
     * Loads every credential of every kind, storing each as it arrives and stamping it with this load's generation;
     * afterwards whatever an older generation left and nobody changed since the load began is gone from the
     * database, and is removed. A credential changed during the load (touched) is left to that change.
     */
    Uni<Void> reloadAll() {
        long started = epoch.get();
        int generation = loadGeneration.incrementAndGet();
        Consumer<StoredCredential> sink = credential -> {
            if (!isTouchedSince(credential.selector(), started)) {
                credential.generation = generation;
                store(credential.selector(), credential);
            }
        };
        List<Uni<Void>> loads = sources.values().stream().map(source -> source.loadAll(sink)).toList();
        if (loads.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(loads).andFailFast().invoke(() -> {
            for (StoredCredential credential : entries.values()) {
                if (credential.generation < generation && !isTouchedSince(credential.selector(), started)) {
                    removeIfCurrent(credential);
                }
            }
            touchedAt.values().removeIf(touched -> touched <= started);
            unknown.clear();
        }).replaceWithVoid();
    }

    /** Removes this exact entry, unless something has replaced it meanwhile. */
    private void removeIfCurrent(StoredCredential stale) {
        String selector = stale.selector();
        if (entries.get(selector) == stale) {
            entries.computeIfPresent(selector, (key, current) -> {
                if (current != stale) {
                    return current;
                }
                unindex(selector, groupOf(current));
                return null;
            });
        }
    }

    private void listen() {
        PgSubscriber next = PgSubscriber.subscriber(vertx, DatasourceConnectOptions.from(config));
        // Never give up: the subscriber is rebuilt only if the very first connect fails.
        next.reconnectPolicy(retries -> 500L);
        next.closeHandler(() -> listening = false);
        next.channel(CHANNEL)
                .handler(this::onNotification)
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
                    // Catch up on whatever was announced while the connection was down.
                    reloadAll().subscribe().with(ok -> LOG.debug("Credential cache reloaded after LISTEN"),
                            failure -> LOG.warnf("Credential cache reload failed: %s", failure.getMessage()));
                });
        next.channel(SEEN_CHANNEL).handler(payload -> SeenAtWriter.decode(payload, this::advanceSeen));
        subscriber = next;
        next.connect().subscribe().with(ok -> LOG.debug("Listening for credential changes"), failure -> {
            LOG.warnf("Cannot LISTEN for credential changes yet (%s); retrying", failure.getMessage());
            next.close().subscribe().with(x -> { }, x -> { });
            if (!stopping) {
                vertx.setTimer(1000, id -> listen());
            }
        });
    }

    private void onNotification(String payload) {
        int colon = payload.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String kind = payload.substring(0, colon);
        String selector = payload.substring(colon + 1);
        // Fail closed: suspend it first, so a revocation holds even if the reload below cannot reach the database.
        suspend(selector);
        refresh(kind, selector).subscribe().with(ok -> { },
                failure -> LOG.warnf("Could not refresh credential %s: %s", selector, failure.getMessage()));
    }
}
