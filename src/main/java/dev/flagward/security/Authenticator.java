package dev.flagward.security;

import dev.flagward.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Map;

/**
 * Turns an {@code Authorization} header ({@code <secret>} or {@code Bearer <secret>}, any case, any spaces) into a
 * principal, or fails with 401. The kind is told by the prefix: {@code user:} a personal access token,
 * {@code signal_} a signal endpoint token, anything else an API token. The secret is never logged.
 */
@Singleton
public class Authenticator {

    public static final String API_TOKEN_KIND = "api";
    public static final String PAT_KIND = "pat";
    public static final String SIGNAL_KIND = "signal";
    public static final String SESSION_KIND = "session";
    /** The browser session cookie, named as Unleash names it. */
    public static final String SESSION_COOKIE = "unleash-session";

    private final CredentialCache cache;
    private final InstanceKeys keys;
    private final SeenTracker seen;
    private final Clock clock;
    private final Map<String, Counter> outcomes;

    public Authenticator(CredentialCache cache, InstanceKeys keys, SeenTracker seen, Clock clock, MeterRegistry registry) {
        this.cache = cache;
        this.keys = keys;
        this.seen = seen;
        this.clock = clock;
        this.outcomes = Map.of(
                "success", counter(registry, "success"),
                "missing", counter(registry, "missing"),
                "malformed", counter(registry, "malformed"),
                "unknown", counter(registry, "unknown"),
                "expired", counter(registry, "expired"));
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("flagward.auth").tag("result", result).register(registry);
    }

    /** The secret in an Authorization header value, or null when there is none. */
    public static String secretFrom(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.equalsIgnoreCase("bearer")) {
            return null;
        }
        if (value.length() > 6 && value.regionMatches(true, 0, "bearer", 0, 6) && Character.isWhitespace(value.charAt(6))) {
            value = value.substring(7).strip();
        }
        return value.isEmpty() ? null : value;
    }

    public static String kindOf(String secret) {
        if (secret.startsWith("user:")) {
            return PAT_KIND;
        }
        if (secret.startsWith("signal_")) {
            return SIGNAL_KIND;
        }
        if (secret.startsWith("session_")) {
            return SESSION_KIND;
        }
        return API_TOKEN_KIND;
    }

    /** The public selector of a presented secret, or null when it cannot be one of ours. */
    public String selectorOf(String secret, String kind) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(secret);
        if (parsed != null) {
            return parsed.selector();
        }
        // Only API tokens may be verbatim (given at bootstrap); a v2-shaped secret with a bad checksum is a typo.
        if (API_TOKEN_KIND.equals(kind) && !secret.contains(CredentialFormat.VERSION_MARK) && secret.length() <= 512) {
            return keys.legacyId(secret);
        }
        return null;
    }

    /**
     * Authenticates a request: the Authorization header (API token or PAT) or, without one, the session cookie.
     * Fails with AuthenticationRequired (neither) or UnauthorizedError (given but not valid). Each credential kind
     * only counts where it belongs: a session id in a header, or a token in the cookie, is refused.
     */
    public Uni<Principal> authenticate(String header, String sessionCookie) {
        String secret = secretFrom(header);
        if (secret != null) {
            String kind = kindOf(secret);
            if (!API_TOKEN_KIND.equals(kind) && !PAT_KIND.equals(kind)) {
                outcomes.get("malformed").increment();
                return Uni.createFrom().failure(ApiException.unauthorized("The credential is not valid."));
            }
            return verify(secret).map(StoredCredential::principal);
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            if (!SESSION_KIND.equals(kindOf(sessionCookie))) {
                outcomes.get("malformed").increment();
                return Uni.createFrom().failure(ApiException.unauthorized("The session is not valid. Sign in again."));
            }
            return verify(sessionCookie).map(StoredCredential::principal)
                    .onFailure(ApiException.class).transform(e -> ApiException.unauthorized("The session is not valid. Sign in again."));
        }
        outcomes.get("missing").increment();
        return Uni.createFrom().failure(ApiException.authenticationRequired());
    }

    /** Resolves and verifies a secret of any kind; fails with UnauthorizedError when it is not a live credential. */
    public Uni<StoredCredential> verify(String secret) {
        String kind = kindOf(secret);
        String selector = selectorOf(secret, kind);
        if (selector == null) {
            outcomes.get("malformed").increment();
            return Uni.createFrom().failure(ApiException.unauthorized("The credential is not valid."));
        }
        return cache.lookup(kind, selector).map(credential -> {
            if (credential == null || !CredentialFormat.verifies(secret, credential.verifier())) {
                outcomes.get("unknown").increment();
                throw ApiException.unauthorized("The credential is not valid.");
            }
            if (credential.expiredAt(clock.instant())) {
                outcomes.get("expired").increment();
                throw ApiException.unauthorized("The credential has expired.");
            }
            outcomes.get("success").increment();
            seen.markSeen(kind, selector);
            return credential;
        });
    }

    /**
     * A non-throwing check for bulk validation (Edge): the live credential, or null. Never touches the database for
     * a selector already known, and records a use only for valid secrets.
     */
    public Uni<StoredCredential> validOrNull(String secret) {
        return verify(secret).onFailure(ApiException.class).recoverWithNull();
    }
}
