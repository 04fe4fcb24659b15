package dev.flagward.security;

import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How a feature plugs its credentials into authentication. Each kind (API tokens, PATs, signal tokens) has one
 * source; the cache asks it for everything at start and for one selector when a change is announced.
 */
public interface CredentialSource {

    /** The kind named in change notifications ({@code <kind>:<selector>}); also the prefix of its cache entries. */
    String kind();

    Uni<List<StoredCredential>> loadAll();

    /** The credential with this selector, or null when there is none. */
    Uni<StoredCredential> load(String selector);

    /** Writes last-use times (selector → time of last use); later times only ever replace earlier ones. */
    Uni<Void> recordSeen(Map<String, Instant> lastSeen);
}
