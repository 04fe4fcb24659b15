package dev.flagward.user;

import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.ApiException;
import dev.flagward.web.RateLimits;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Signing in and out with a password (SPEC §5.2). Sessions are credentials like any other: a minted secret in the
 * cookie, its selector and verifier in PostgreSQL, served from the credential cache on every replica.
 */
@ApplicationScoped
public class SessionService {

    static final String AUTH_TYPE = "simple";
    static final String WRONG_CREDENTIALS = "Wrong username or password.";

    @Inject
    UserRepository users;
    @Inject
    Passwords passwords;
    @Inject
    SignInRecorder history;
    @Inject
    CredentialCache cache;
    @Inject
    RateLimits rateLimits;
    @Inject
    Pool pool;
    @Inject
    UserConfig config;
    @Inject
    Clock clock;

    /** A signed-in user and the session secret for the cookie (shown to the browser only). */
    public record SignedIn(UserView user, String sessionSecret, Duration ttl) {

        @Override
        public String toString() {
            return "SignedIn[" + user.id() + "]";
        }
    }

    public Uni<SignedIn> login(String login, String password, String address) {
        String attempt = login.strip().toLowerCase(Locale.ROOT) + '|' + address;
        try {
            rateLimits.consume(
                    new RateLimits.Limit("login", config.loginAttemptsPerMinute(), config.loginAttemptsPerMinute(),
                            Duration.ofMinutes(1)),
                    attempt);
        } catch (ApiException limited) {
            return history.record(login, AUTH_TYPE, false, address, "Too many attempts")
                    .chain(() -> Uni.createFrom().failure(limited));
        }
        return Panache.withSession(() -> users.findLiveByLogin(login))
                // Unknown users are checked against a dummy hash: the same work, the same answer.
                .chain(user -> passwords.matches(password, user == null ? null : user.passwordHash)
                        .chain(ok -> ok
                                ? startSession(user, login, address)
                                : refuse(login, address,
                                        user == null ? "Unknown user" : "Wrong password")));
    }

    private Uni<SignedIn> refuse(String login, String address, String reason) {
        return history.record(login, AUTH_TYPE, false, address, reason)
                .chain(() -> Uni.createFrom().failure(ApiException.unauthorized(WRONG_CREDENTIALS)));
    }

    private Uni<SignedIn> startSession(User found, String login, String address) {
        CredentialFormat.Minted minted = CredentialFormat.mint(SessionCredentialSource.PREFIX);
        Instant now = clock.instant();
        return Panache.withTransaction(() -> users.findById(found.id).chain(user -> {
            user.seenAt = now;
            return Panache.getSession().chain(session -> session.createNativeQuery(
                    "insert into sessions (selector, verifier, user_id, created_at, expires_at) "
                            + "values (:selector, :verifier, :user, :created, :expires)")
                    .setParameter("selector", minted.selector())
                    .setParameter("verifier", minted.verifier())
                    .setParameter("user", user.id)
                    .setParameter("created", now.atOffset(ZoneOffset.UTC))
                    .setParameter("expires", now.plus(config.sessionTtl()).atOffset(ZoneOffset.UTC))
                    .executeUpdate())
                    .call(() -> history.record(login, AUTH_TYPE, true, address, null))
                    .replaceWith(user);
        }))
                .call(() -> cache.refresh(SessionCredentialSource.KIND, minted.selector()))
                .map(user -> new SignedIn(UserView.of(user), minted.secret(), config.sessionTtl()));
    }

    /** Ends the session of this cookie, if it is one; on this replica at once, on the others within a second. */
    public Uni<Void> logout(String cookie) {
        CredentialFormat.Parsed parsed = cookie == null ? null : CredentialFormat.parse(cookie);
        if (parsed == null || !SessionCredentialSource.PREFIX.equals(parsed.prefix())) {
            return Uni.createFrom().voidItem();
        }
        // Evicted before the delete (it stops at once) and again after its commit: a reload of this session that read
        // the row before the delete committed must not leave it in the cache once logout has answered.
        cache.evict(parsed.selector());
        return pool.preparedQuery("delete from sessions where selector = $1").execute(Tuple.of(parsed.selector()))
                .invoke(() -> cache.evict(parsed.selector()))
                .replaceWithVoid();
    }

    /** In the caller's transaction: deletes the user's sessions but {@code keepSelector}'s (null: all of them). */
    Uni<Integer> end(long userId, String keepSelector) {
        // Selectors are never empty: "" keeps none. The deletions' triggers tell every replica.
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from sessions where user_id = :id and selector <> :keep")
                .setParameter("id", userId)
                .setParameter("keep", keepSelector == null ? "" : keepSelector)
                .executeUpdate());
    }

    /** After {@link #end} has committed: this replica stops those sessions before it answers. */
    void evict(long userId, String keepSelector) {
        cache.evictUserCredentials(userId, SessionCredentialSource.KIND, keepSelector);
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeExpired() {
        return pool.query("delete from sessions where expires_at < now()").execute().replaceWithVoid();
    }
}
