package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.user.UserApi.RoleView;
import dev.flagward.user.UserApi.TokenUser;
import dev.flagward.web.ApiException;
import dev.flagward.web.RateLimits;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Links that set a user's password once: a reset an Admin asks for (the link is answered to the Admin, and mailed),
 * a reset the user asks for by email (mailed only), and the welcome link of a user an Admin created without a
 * password. Each is a secret in the one credential format ({@code reset_v2_…}); the table holds its selector and
 * SHA-256 verifier. A link works once, until {@code flagward.users.reset-token-ttl}; a newer link of the same user, and
 * any change of the password, end the older ones. Using it sets the password and ends every session of the user, on
 * every replica (the sessions' own notifications).
 */
@ApplicationScoped
public class PasswordResetService {

    static final String PREFIX = "reset_";
    private static final Logger LOG = Logger.getLogger(PasswordResetService.class);
    /** One answer for a link that is unknown, expired, used, or whose user is gone: which one is nobody's business. */
    static final String INVALID = "The link is not valid: it is unknown, has expired or has been used.";

    /** Unleash's rule: one reset mail a minute per recipient, so nobody can flood someone's mailbox. */
    private static final RateLimits.Limit MAILS_PER_ADDRESS = new RateLimits.Limit("password-reset-mail", 1, 1,
            Duration.ofMinutes(1));

    @Inject
    UserRepository users;
    @Inject
    PasswordResetTokenRepository tokens;
    @Inject
    Passwords passwords;
    @Inject
    PasswordService passwordService;
    @Inject
    SessionService sessions;
    @Inject
    AuditLog audit;
    @Inject
    AccountMail mail;
    @Inject
    UserConfig config;
    @Inject
    RateLimits rateLimits;
    @Inject
    Vertx vertx;
    @Inject
    Pool pool;
    @Inject
    Clock clock;

    // ------------------------------------------------------------------ issuing

    /**
     * An Admin asks for a user's reset link (Unleash's {@code id} is the email; a username or user id is taken too):
     * answered with the link, and mailed to the user when mail is on.
     */
    public Uni<String> resetByAdmin(String id, Actor admin, String requestBase) {
        if (id == null || id.isBlank()) {
            throw ApiException.badData("The id property is required: the user's email, username or id.", "/body/id");
        }
        String base = linkBase(requestBase);
        CredentialFormat.Minted minted = CredentialFormat.mint(PREFIX);
        return Panache.withTransaction(() -> findUser(id.strip())
                .call(user -> issue(user.id, PasswordResetToken.RESET, admin.name(), minted))
                .call(user -> audit.record("password-reset-link-created", admin, Map.of("userId", user.id), null)))
                .chain(user -> {
                    String link = base + "/reset-password?token=" + minted.secret();
                    return mail.sendResetLink(user.id, user.email, user.name, link).replaceWith(link);
                });
    }

    /**
     * Someone asks for a reset mail to this address. The answer is the same whether a user has it or not, and comes
     * as soon as the request is judged: the lookup, the link and the mail happen afterwards, off the request, so the
     * time taken says nothing either. Without mail, or without {@code flagward.users.public-url} (a stranger's request
     * must never decide where a link points), nothing is sent.
     */
    public void resetByEmail(String email, String address) {
        if (email == null || email.isBlank() || email.length() > 320) {
            throw ApiException.badData("The email property is required (at most 320 characters).", "/body/email");
        }
        rateLimits.consume(linkAttempts(), address);
        if (!mail.configured()) {
            return;
        }
        if (config.publicUrl().isEmpty()) {
            LOG.warn(
                    "A password reset mail was asked for, but FLAGWARD_USERS_PUBLIC_URL is not set: nothing was sent.");
            return;
        }
        String recipient = email.strip().toLowerCase(Locale.ROOT);
        try {
            rateLimits.consume(MAILS_PER_ADDRESS, recipient);
        } catch (ApiException limited) {
            return; // silently: a 429 here would differ from the answer for an address nobody has
        }
        String base = trimSlash(config.publicUrl().get());
        afterAnswer(() -> mailResetTo(recipient, base));
    }

    /**
     * Strangers present links and ask for mails: what they can make the database do is bounded per address (a guess at
     * a 256-bit secret is hopeless anyway).
     */
    private RateLimits.Limit linkAttempts() {
        return new RateLimits.Limit("password-reset", config.linkAttemptsPerMinute(), config.linkAttemptsPerMinute(),
                Duration.ofMinutes(1));
    }

    /**
     * Runs work after the answer, on a new duplicated context of its own (its own Hibernate session), never on the
     * request's, which ends with the answer.
     */
    private void afterAnswer(Supplier<Uni<Boolean>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> work.get().subscribe().with(sent -> {},
                failure -> LOG.warnf("A password reset asked for by email failed: %s", failure.toString())));
    }

    private Uni<Boolean> mailResetTo(String email, String base) {
        CredentialFormat.Minted minted = CredentialFormat.mint(PREFIX);
        return Panache.withTransaction(() -> users.find("lower(email) = ?1 and deletedAt is null", email).firstResult()
                .call(user -> user == null
                        ? Uni.createFrom().voidItem()
                        : issue(user.id, PasswordResetToken.RESET, null, minted)))
                .chain(user -> user == null
                        ? Uni.createFrom().item(false)
                        : mail.sendResetLink(user.id, user.email, user.name,
                                base + "/reset-password?token=" + minted.secret()));
    }

    /**
     * The welcome link of a user an Admin just created, in the creating transaction; its user sets their first password
     * with it like with a reset link.
     */
    Uni<String> issueWelcome(long userId, Actor admin, String requestBase) {
        CredentialFormat.Minted minted = CredentialFormat.mint(PREFIX);
        return issue(userId, PasswordResetToken.WELCOME, admin.name(), minted)
                .replaceWith(linkBase(requestBase) + "/new-user?token=" + minted.secret());
    }

    /** In the caller's transaction: ends the user's other links, then stores this one's selector and verifier. */
    private Uni<Void> issue(long userId, String purpose, String createdBy, CredentialFormat.Minted minted) {
        Instant now = clock.instant();
        return tokens.expireForUser(userId, now).chain(() -> {
            PasswordResetToken token = new PasswordResetToken();
            token.selector = minted.selector();
            token.verifier = minted.verifier();
            token.userId = userId;
            token.purpose = purpose;
            token.createdBy = createdBy;
            token.createdAt = now;
            token.expiresAt = now.plus(config.resetTokenTtl());
            return tokens.persistAndFlush(token);
        }).replaceWithVoid();
    }

    /** Links past their expiry do nothing but take room: gone within the hour (used ones too, once expired). */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeExpired() {
        return pool.query("delete from password_reset_tokens where expires_at < now()").execute().replaceWithVoid();
    }

    /**
     * The start of every link: {@code flagward.users.public-url}, or else the address the Admin called (an Admin's
     * request only: the link is answered to that Admin).
     */
    String linkBase(String requestBase) {
        return trimSlash(config.publicUrl().filter(url -> !url.isBlank()).orElse(requestBase));
    }

    private static String trimSlash(String url) {
        String out = url.strip();
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private Uni<User> findUser(String id) {
        // Unleash sends the email; a username or an id is taken too. A name is tried first: usernames may be digits.
        return users.findLiveByLogin(id)
                .chain(found -> found != null || !id.matches("[0-9]{1,18}")
                        ? Uni.createFrom().item(found)
                        : users.findLive(Long.parseLong(id)))
                .map(found -> {
                    if (found == null) {
                        throw ApiException.notFound("No user with that email, username or id exists.");
                    }
                    return found;
                });
    }

    // ------------------------------------------------------------------ using

    /** Whose password the link sets, or 401 when it does not work (unknown, expired, used, user gone). */
    public Uni<TokenUser> validate(String token, String address) {
        if (token == null || token.isBlank()) {
            throw ApiException.badData("The token query parameter is required.", "/query/token");
        }
        rateLimits.consume(linkAttempts(), address);
        String selector = selectorOf(token);
        Instant now = clock.instant();
        return Panache.withSession(() -> tokens.findBySelector(selector).chain(found -> {
            requireUsable(found, token, now);
            return users.findLive(found.userId).map(user -> {
                if (user == null) {
                    throw ApiException.unauthorized(INVALID);
                }
                return new TokenUser(user.id, user.name, user.email, token, found.createdBy,
                        RoleView.of(user.rootRole));
            });
        }));
    }

    /**
     * Sets the password with a link, once. The password rules come first (400), then the link (401); the link is
     * checked before the hash is made, so a dead link costs no bcrypt work, and again under a row lock in the
     * transaction, so two uses of one link cannot both pass. Every session of the user ends, on every replica.
     */
    public Uni<Void> reset(String token, String password, String address) {
        if (token == null || token.isBlank()) {
            throw ApiException.badData("The token property is required: the token of the reset link.", "/body/token");
        }
        passwordService.validate(password);
        rateLimits.consume(linkAttempts(), address);
        String selector = selectorOf(token);
        return Panache.withSession(() -> tokens.findBySelector(selector))
                .invoke(found -> requireUsable(found, token, clock.instant()))
                .chain(() -> passwords.hash(password))
                .chain(hash -> Panache.withTransaction(() -> tokens.lockBySelector(selector).chain(found -> {
                    Instant now = clock.instant();
                    requireUsable(found, token, now);
                    return users.findLive(found.userId).chain(user -> {
                        if (user == null) {
                            throw ApiException.unauthorized(INVALID);
                        }
                        found.usedAt = now;
                        return passwordService.replace(user, hash, null, new Actor(user.loginName(), user.id, address),
                                Map.of("userId", user.id, "via", "reset-link")).replaceWith(user.id);
                    });
                })))
                .invoke(userId -> sessions.evict(userId, null))
                .replaceWithVoid();
    }

    /** The selector of a reset link's token; a string that is not one (a typo, a forgery) is refused without a lookup. */
    private static String selectorOf(String token) {
        CredentialFormat.Parsed parsed = CredentialFormat.parse(token.strip());
        if (parsed == null || !PREFIX.equals(parsed.prefix())) {
            throw ApiException.unauthorized(INVALID);
        }
        return parsed.selector();
    }

    private static void requireUsable(PasswordResetToken found, String token, Instant now) {
        // The verifier is compared even when the row is unusable, so both refusals cost the same.
        boolean matches = found != null && CredentialFormat.verifies(token.strip(), found.verifier);
        if (!matches || !found.usableAt(now)) {
            throw ApiException.unauthorized(INVALID);
        }
    }
}
