package dev.flagward.security.authentication;

import dev.flagward.security.principal.RootRole;
import dev.flagward.security.principal.UserPrincipal;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A credential kind whose "table" is a map: the cache's logic, without a database. */
class FakeSource implements CredentialSource {

    final Map<String, StoredCredential> rows = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    private final String kind;
    private final String prefix;
    private final Channel channel;
    private final boolean verbatim;
    /** When set, the next load answers only when this completes (a read that is slow while changes happen). */
    volatile CompletableFuture<Void> gate;

    FakeSource(String kind, String prefix, Channel channel, boolean verbatim) {
        this.kind = kind;
        this.prefix = prefix;
        this.channel = channel;
        this.verbatim = verbatim;
    }

    StoredCredential row(String selector, long userId) {
        StoredCredential credential = new StoredCredential(kind, selector, new byte[32], null,
                new UserPrincipal(userId, "u" + userId, RootRole.Editor), 1, OffsetDateTime.now(ZoneOffset.UTC), null);
        rows.put(selector, credential);
        return credential;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean acceptsVerbatim() {
        return verbatim;
    }

    @Override
    public Uni<Void> loadAll(Consumer<StoredCredential> sink) {
        List.copyOf(rows.values()).forEach(sink);
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        loads.incrementAndGet();
        StoredCredential now = rows.get(selector);
        CompletableFuture<Void> wait = gate;
        if (wait == null) {
            return Uni.createFrom().item(now);
        }
        gate = null;
        return Uni.createFrom().completionStage(wait).replaceWith(now);
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return Uni.createFrom().voidItem();
    }
}
