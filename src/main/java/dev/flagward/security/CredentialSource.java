package dev.flagward.security;

import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a feature plugs its credentials into authentication. Each kind (API tokens, PATs, signal tokens) has one
 * source; the cache asks it for everything at start and for one selector when a change is announced.
 */
public interface CredentialSource {

    /** The kind named in change notifications ({@code <kind>:<selector>}); also the prefix of its cache entries. */
    String kind();

    /**
     * Hands every credential of this kind to {@code sink} as it is read (in pages where there can be many), so a
     * full load never holds a second copy of the cache. The sink may be called on any event-loop thread.
     */
    Uni<Void> loadAll(Consumer<StoredCredential> sink);

    /** The credential with this selector, or null when there is none. */
    Uni<StoredCredential> load(String selector);

    /** Writes last-use times (selector → time of last use); later times only ever replace earlier ones. */
    Uni<Void> recordSeen(Map<String, Instant> lastSeen);
}
