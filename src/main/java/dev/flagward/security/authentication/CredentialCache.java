package dev.flagward.security.authentication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Every credential of every kind, by selector, in memory: authentication is a map lookup, never a table scan.
 * <p>
 * Loaded in full at start and after every new LISTEN connection ({@code NotificationListener}), then kept fresh: the
 * replica that makes a change applies it before answering ({@link #refresh}, {@link #evict}), and every other
 * replica reloads the selector a notification names. A selector missing from the cache costs a bounded database
 * lookup, or nothing ({@link UnknownSelectors}). The {@link ChangeLog} keeps a read from the database from
 * overwriting a change that happened while it ran.
 * <p>
 * The cache is also the read model of listings: entries are grouped (an API token's name, a user's id) and carry
 * their creation and last-use times ({@link CredentialStore}).
 */
@Singleton
public class CredentialCache {

    private final CredentialKinds kinds;
    private final CredentialStore store = new CredentialStore();
    private final ChangeLog changes = new ChangeLog();
    private final UnknownSelectors unknown;
    /** Stamped on every entry a full load stores; entries of older generations left after a load are gone. */
    private final AtomicInteger loadGeneration = new AtomicInteger();
    private final Counter hits;
    private final Counter misses;
    private final Counter negativeHits;
    private final Counter missesFromMemory;
    private volatile boolean loaded;

    public CredentialCache(CredentialKinds kinds, SecurityConfig config, MeterRegistry registry) {
        this.kinds = kinds;
        this.unknown = new UnknownSelectors(config);
        this.hits = counter(registry, "hit");
        this.misses = counter(registry, "miss");
        this.negativeHits = counter(registry, "negative-hit");
        this.missesFromMemory = counter(registry, "miss-over-budget");
        Gauge.builder("flagward.credential.cache.size", this, CredentialCache::size)
                .description("Credentials held in memory (every kind)").register(registry);
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("flagward.credential.cache").tag("result", result).register(registry);
    }

    /** The credential of this kind and selector, or null. Served from memory except for a bounded few misses. */
    public Uni<StoredCredential> lookup(String kind, String selector) {
        StoredCredential hit = store.get(selector);
        if (hit != null && !hit.suspended()) {
            hits.increment();
            return Uni.createFrom().item(kind.equals(hit.kind()) ? hit : null);
        }
        if (hit == null) {
            if (unknown.remembered(selector)) {
                negativeHits.increment();
                return Uni.createFrom().nullItem();
            }
            if (!unknown.mayLookUp()) {
                missesFromMemory.increment();
                return Uni.createFrom().nullItem();
            }
        }
        CredentialSource source = kinds.source(kind);
        if (source == null) {
            return Uni.createFrom().nullItem();
        }
        misses.increment();
        long began = changes.begin();
        return source.load(selector).invoke(found -> {
            if (changes.changedSince(selector, began)) {
                return; // a newer change settled it meanwhile
            }
            if (found != null || hit != null) {
                store.put(selector, found);
            }
            if (found == null) {
                unknown.remember(selector);
            }
        }).eventually(() -> changes.end(began));
    }

    /** Reads of one credential that a change announced meanwhile may overtake before one is applied (then its own reload applies it). */
    private static final int REFRESH_ATTEMPTS = 3;

    /**
     * Reloads one credential from its source and applies it: present → cached, absent → removed. Services call this
     * after their transaction commits, so the change holds on this replica before the response is sent.
     */
    public Uni<Void> refresh(String kind, String selector) {
        CredentialSource source = kinds.source(kind);
        if (source == null) {
            return Uni.createFrom().voidItem();
        }
        return refresh(source, selector, REFRESH_ATTEMPTS);
    }

    /**
     * Like every read, what it loaded loses to a change announced while it ran (an eviction announced meanwhile must
     * not be undone by an older reload finishing after it). It then reads again, since a read that starts after the
     * change sees it: often the change is the caller's own, whose notification overtook this reload, and the caller's
     * answer must reflect it (a token just created is listed at once on the replica that created it).
     */
    private Uni<Void> refresh(CredentialSource source, String selector, int attempts) {
        long began = changes.begin();
        return source.load(selector).chain(found -> {
            if (!changes.changedSince(selector, began)) {
                apply(selector, found);
                return Uni.createFrom().voidItem();
            }
            return attempts > 1 ? refresh(source, selector, attempts - 1) : Uni.createFrom().voidItem();
        }).eventually(() -> changes.end(began));
    }

    /** What this replica holds for a selector right now, from memory only (null: nothing, so not valid). */
    public StoredCredential current(String selector) {
        return store.get(selector);
    }

    /** Removes a credential from this replica at once (revocation must never wait for a round trip). */
    public void evict(String selector) {
        apply(selector, null);
    }

    /** Marks an entry as being reloaded: it stops authenticating at once, and listings keep showing it meanwhile. */
    public void suspend(String selector) {
        changes.changed(selector);
        unknown.forget(selector);
        store.suspend(selector);
    }

    private void apply(String selector, StoredCredential found) {
        changes.changed(selector);
        unknown.forget(selector);
        store.put(selector, found);
    }

    /** Every PAT and session of this user stops at once on this replica (user deleted). */
    public void evictUser(long userId) {
        store.inGroup(userId).forEach(credential -> evict(credential.selector()));
    }

    /** Evicts this user's credentials of one kind (their sessions, say), except the one with {@code keepSelector}. */
    public void evictUserCredentials(long userId, String kind, String keepSelector) {
        store.inGroup(userId).stream()
                .filter(credential -> credential.kind().equals(kind) && !credential.selector().equals(keepSelector))
                .forEach(credential -> evict(credential.selector()));
    }

    /** Reloads every credential of this user (role or name changed), so it acts with what the user now is. */
    public Uni<Void> refreshUser(long userId) {
        List<Uni<Void>> reloads = store.inGroup(userId).stream()
                .map(credential -> refresh(credential.kind(), credential.selector())).toList();
        return reloads.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(reloads).andFailFast().replaceWithVoid();
    }

    /** Every cached credential of this kind, newest first. */
    public List<StoredCredential> ofKind(String kind) {
        return store.ofKind(kind);
    }

    /** The cached API tokens with this name, newest first. */
    public List<StoredCredential> apiTokensNamed(String tokenName) {
        return store.inGroup(tokenName);
    }

    /** Moves a cached credential's last use forward (a batch written here or announced by another replica). */
    public void advanceSeen(String selector, Instant use) {
        store.advanceSeen(selector, use);
    }

    /**
     * Loads every credential of every kind, storing each as it arrives and stamping it with this load's generation;
     * afterwards whatever an older generation left and nobody changed since the load began is gone from the
     * database, and is removed. A credential changed during the load is left to that change.
     */
    public Uni<Void> reloadAll() {
        long began = changes.begin();
        int generation = loadGeneration.incrementAndGet();
        Consumer<StoredCredential> sink = credential -> {
            if (!changes.changedSince(credential.selector(), began)) {
                credential.generation = generation;
                store.put(credential.selector(), credential);
            }
        };
        List<Uni<Void>> loads = kinds.all().stream().map(source -> source.loadAll(sink)).toList();
        Uni<Void> all = loads.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(loads).andFailFast().replaceWithVoid();
        return all.invoke(() -> store.removeIf(credential -> credential.generation < generation
                && !changes.changedSince(credential.selector(), began)))
                .eventually(() -> changes.end(began));
    }

    /** True once the first full load has finished: a condition of readiness. */
    public boolean isLoaded() {
        return loaded;
    }

    public void markLoaded() {
        loaded = true;
    }

    public int size() {
        return store.size();
    }

    /** Selectors in the change log (tests: it must return to its steady state, not grow with every change). */
    int changeLogSize() {
        return changes.size();
    }
}
