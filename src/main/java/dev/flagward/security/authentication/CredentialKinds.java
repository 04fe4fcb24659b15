package dev.flagward.security.authentication;

import dev.flagward.security.keys.InstanceKeys;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The credential kinds the features plugged in, and what a presented secret is: which kind owns it (by the prefix
 * its source declares) and its selector, the cache key. Nothing here knows a feature's prefix, and nothing here
 * touches the database: a secret that cannot be one of ours is refused before any lookup.
 */
@Singleton
public class CredentialKinds {

    /** Longer verbatim secrets are not ours: they are refused without computing anything. */
    static final int MAX_VERBATIM_LENGTH = 512;

    /** A secret identified: the kind that owns it, and its selector. */
    public record Presented(CredentialSource source, String selector) {

        public String kind() {
            return source.kind();
        }
    }

    private final Map<String, CredentialSource> byKind = new HashMap<>();
    private final Map<String, CredentialSource> byPrefix = new HashMap<>();
    /** The kind with the empty prefix: it owns every minted secret no other prefix claims, and verbatim secrets. */
    private final CredentialSource fallback;
    private final InstanceKeys keys;

    @Inject
    public CredentialKinds(Instance<CredentialSource> sources, InstanceKeys keys) {
        this((Iterable<CredentialSource>) sources, keys);
    }

    CredentialKinds(Iterable<CredentialSource> sources, InstanceKeys keys) {
        this.keys = keys;
        CredentialSource rest = null;
        for (CredentialSource source : sources) {
            if (byKind.put(source.kind(), source) != null || byPrefix.put(source.prefix(), source) != null) {
                throw new IllegalStateException(
                        "Two credential sources of kind " + source.kind() + " or prefix " + source.prefix());
            }
            if (source.prefix().isEmpty()) {
                rest = source;
            }
        }
        this.fallback = rest;
    }

    public CredentialSource source(String kind) {
        return byKind.get(kind);
    }

    public Collection<CredentialSource> all() {
        return byKind.values();
    }

    /**
     * The kind that owns a secret, and its selector; null when it cannot be a credential of ours. A minted secret
     * belongs to the kind whose prefix is exactly its prefix (an API token scoped to a project named {@code user} is
     * {@code user:<environment>.v2_…}, not a PAT); anything else is the fallback kind's, verbatim if it takes those.
     */
    public Presented identify(String secret) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(secret);
        if (parsed != null) {
            CredentialSource owner = byPrefix.getOrDefault(parsed.prefix(), fallback);
            return owner == null ? null : new Presented(owner, parsed.selector());
        }
        return fallback == null ? null : verbatim(fallback, secret);
    }

    /**
     * A secret taken to be of this kind (bootstrap configuration): a minted secret's own selector, or the derived
     * identifier of a verbatim one, for kinds that accept those.
     */
    public Presented identifyAs(CredentialSource source, String secret) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(secret);
        return parsed != null ? new Presented(source, parsed.selector()) : verbatim(source, secret);
    }

    /** A v2-shaped secret whose checksum fails is a typo or a forgery, never verbatim: null, and no lookup. */
    private Presented verbatim(CredentialSource source, String secret) {
        if (!source.acceptsVerbatim() || CredentialFormat.isV2Shaped(secret) || secret.isEmpty()
                || secret.length() > MAX_VERBATIM_LENGTH) {
            return null;
        }
        return new Presented(source, keys.legacyId(secret));
    }
}
