package dev.flagward.security.authentication;

import dev.flagward.security.authentication.CredentialKinds.Presented;
import dev.flagward.security.authentication.CredentialSource.Channel;
import dev.flagward.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates a request, top to bottom: the secret from the {@code Authorization} header ({@code <secret>} or
 * {@code Bearer <secret>}, any case, any spaces) or the session cookie; its kind and selector
 * ({@link CredentialKinds}, no I/O); the cached credential ({@link CredentialCache}); its verifier and expiry; the
 * principal. Each kind counts only where its source says it is presented. The secret is never logged.
 */
@Singleton
public class Authenticator {

    /** The browser session cookie, named as Unleash names it. */
    public static final String SESSION_COOKIE = "unleash-session";
    /**
     * One answer for a secret that is malformed, unknown or wrong, so a caller learns nothing about which: only how a
     * credential is sent and where one comes from (the README's first section).
     */
    static final String NOT_VALID = "The credential is not valid. Send an API token or a personal access token as "
            + "'Authorization: <token>' or 'Authorization: Bearer <token>', or sign in with POST /auth/simple/login for "
            + "a session cookie. Where tokens come from: README.md#two-commands.";
    /** The same for a feature's own endpoint, which takes only its own kind of token, in the header. */
    static final String NOT_VALID_HERE = "The credential is not valid. Send this endpoint's token as "
            + "'Authorization: <token>' or 'Authorization: Bearer <token>'.";

    private final CredentialKinds kinds;
    private final CredentialCache cache;
    private final SeenTracker seen;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter missing;
    private final Counter malformed;
    /** Kind → its outcome counters; kinds are the sources' fixed names: bounded. */
    private final Map<String, KindCounters> byKind = new ConcurrentHashMap<>();

    private record KindCounters(Counter success, Counter unknown, Counter expired) {}

    public Authenticator(CredentialKinds kinds, CredentialCache cache, SeenTracker seen, Clock clock,
            MeterRegistry registry) {
        this.kinds = kinds;
        this.cache = cache;
        this.seen = seen;
        this.clock = clock;
        this.registry = registry;
        this.missing = counter(registry, "none", "missing");
        this.malformed = counter(registry, "none", "malformed");
    }

    /** {@code flagward.auth{kind, result}}: never a secret, a selector or a name, only the kind and the outcome. */
    private static Counter counter(MeterRegistry registry, String kind, String result) {
        return Counter.builder("flagward.auth").description("Authentication results by credential kind")
                .tag("kind", kind).tag("result", result).register(registry);
    }

    private KindCounters counters(String kind) {
        KindCounters found = byKind.get(kind);
        return found != null
                ? found
                : byKind.computeIfAbsent(kind, k -> new KindCounters(counter(registry, k, "success"),
                        counter(registry, k, "unknown"), counter(registry, k, "expired")));
    }

    /**
     * The credential of a request: the Authorization header or, without one, the session cookie. Fails with
     * AuthenticationRequired (neither) or UnauthorizedError (given but not valid).
     */
    public Uni<StoredCredential> authenticate(String header, String sessionCookie) {
        String secret = secretFrom(header);
        if (secret != null) {
            return verify(secret, Channel.AUTHORIZATION_HEADER);
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            return verify(sessionCookie, Channel.SESSION_COOKIE)
                    .onFailure(ApiException.class)
                    .transform(e -> ApiException.unauthorized("The session is not valid. Sign in again."));
        }
        missing.increment();
        return Uni.createFrom().failure(ApiException.authenticationRequired());
    }

    /** The credential of a secret of exactly this kind in the Authorization header (a feature's own endpoint), or 401. */
    public Uni<StoredCredential> authenticateAs(String kind, String header) {
        String secret = secretFrom(header);
        if (secret == null) {
            missing.increment();
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        return verify(secret, kind);
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
        if (value.length() > 6 && value.regionMatches(true, 0, "bearer", 0, 6)
                && Character.isWhitespace(value.charAt(6))) {
            value = value.substring(7).strip();
        }
        return value.isEmpty() ? null : value;
    }

    /** A live credential of a kind presented on this channel, or 401 UnauthorizedError. */
    public Uni<StoredCredential> verify(String secret, Channel channel) {
        Presented presented = kinds.identify(secret);
        return verify(secret, presented != null && presented.source().channel() == channel ? presented : null,
                NOT_VALID);
    }

    /** A live credential of exactly this kind (a feature checking its own secrets), or 401 UnauthorizedError. */
    public Uni<StoredCredential> verify(String secret, String kind) {
        Presented presented = kinds.identify(secret);
        return verify(secret, presented != null && presented.kind().equals(kind) ? presented : null, NOT_VALID_HERE);
    }

    /** The live credential of this kind, or null; for bulk validation (Edge), where an invalid secret is no error. */
    public Uni<StoredCredential> validOrNull(String secret, String kind) {
        return verify(secret, kind).onFailure(ApiException.class).recoverWithNull();
    }

    private Uni<StoredCredential> verify(String secret, Presented presented, String notValid) {
        if (presented == null) {
            malformed.increment();
            return Uni.createFrom().failure(ApiException.unauthorized(notValid));
        }
        return cache.lookup(presented.kind(), presented.selector()).map(credential -> {
            if (credential == null || !CredentialFormat.verifies(secret, credential.verifier())) {
                counters(presented.kind()).unknown().increment();
                throw ApiException.unauthorized(notValid);
            }
            if (credential.expiredAt(clock.instant())) {
                counters(presented.kind()).expired().increment();
                throw ApiException.unauthorized("The credential has expired.");
            }
            counters(presented.kind()).success().increment();
            seen.markSeen(presented.kind(), presented.selector());
            return credential;
        });
    }
}
