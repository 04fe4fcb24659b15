package dev.flagward.security.authentication;

import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a feature plugs its credentials into authentication. Each kind (API tokens, PATs, sessions, signal tokens) has
 * one source. It says which secrets are its own (by prefix) and where they are presented, and the cache asks it for
 * everything at start and for one selector when a change is announced.
 */
public interface CredentialSource {

    /** Where a secret of a kind is presented; a secret presented anywhere else is refused as malformed. */
    enum Channel {
        /** {@code Authorization: <secret>} or {@code Bearer <secret>} on the admin API. */
        AUTHORIZATION_HEADER,
        /** The browser session cookie. */
        SESSION_COOKIE,
        /** Only the feature's own endpoint, which checks it itself (signal tokens on their inbound endpoint). */
        OWN_ENDPOINT
    }

    /** The kind named in change notifications ({@code <kind>:<selector>}) and kept on every cache entry. */
    String kind();

    /**
     * The prefix of the secrets this kind mints ({@code user:}, {@code signal_}); the empty string for the one kind
     * that owns every secret no other prefix claims (API tokens, whose prefix is their scope).
     */
    String prefix();

    Channel channel();

    /** Whether secrets of this kind may also be given verbatim, in any legacy form (bootstrap API tokens). */
    default boolean acceptsVerbatim() {
        return false;
    }

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
