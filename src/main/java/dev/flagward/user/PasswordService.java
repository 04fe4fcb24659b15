package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.user.UserApi.ChangeMyPasswordRequest;
import dev.flagward.web.ApiException;
import dev.flagward.web.ErrorDetail;
import dev.flagward.web.RateLimits;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Users' passwords: the strength rules, and changing a password, as an Admin or as the user. The new password is
 * hashed before the transaction opens; a change ends the user's sessions and usable reset links.
 */
@ApplicationScoped
public class PasswordService {

    @Inject
    UserRepository users;
    @Inject
    PasswordResetTokenRepository resetTokens;
    @Inject
    Passwords passwords;
    @Inject
    SessionService sessions;
    @Inject
    AuditLog audit;
    @Inject
    RateLimits rateLimits;
    @Inject
    UserConfig config;
    @Inject
    Clock clock;

    /** 400 with one detail per broken rule. */
    public void validate(String password) {
        List<String> problems = PasswordRules.problems(password, config.minPasswordLength());
        if (!problems.isEmpty()) {
            throw ApiException.badData(problems.stream().map(p -> new ErrorDetail(p, "/body/password")).toList());
        }
    }

    /** An Admin sets a user's password: every session of that user ends (PATs stay). */
    public Uni<Void> change(long id, String password, Actor actor) {
        validate(password);
        return passwords.hash(password).chain(hash -> Panache.withTransaction(() -> users.findLive(id)
                .chain(found -> replace(UserService.require(found, id), hash, null, actor, Map.of("userId", id)))))
                .invoke(() -> sessions.evict(id, null));
    }

    /**
     * The signed-in user's own: the current password is required; every other session of the user ends. Checks of the
     * current password are rate-limited per user like sign-in (429 beyond it, the right password too).
     */
    public Uni<Void> changeOwn(UserPrincipal me, ChangeMyPasswordRequest request, String currentSessionSelector,
            Actor actor) {
        Validation.of(request).check(request.oldPassword() != null && !request.oldPassword().isEmpty(),
                "The current password (oldPassword) is required.", "oldPassword")
                .check(request.confirmPassword() == null || request.confirmPassword().equals(request.password()),
                        "password and confirmPassword differ.", "confirmPassword")
                .orFail();
        validate(request.password());
        // Whoever holds a PAT or a session could otherwise test guesses of the user's password as fast as bcrypt
        // answers: the same budget as signing in, per user (not per address, so spreading guesses gains nothing).
        rateLimits.consume(new RateLimits.Limit("password-check", config.loginAttemptsPerMinute(),
                config.loginAttemptsPerMinute(), Duration.ofMinutes(1)), String.valueOf(me.id()));
        return Panache.withSession(() -> users.findLive(me.id())).chain(found -> {
            User user = UserService.require(found, me.id());
            Uni<Boolean> matches = user.passwordHash == null
                    ? Uni.createFrom().item(false)
                    : passwords.matches(request.oldPassword(), user.passwordHash);
            return matches.invoke(ok -> {
                if (!ok) {
                    throw ApiException.badData("The current password is not correct.", "/body/oldPassword");
                }
            });
        }).chain(() -> passwords.hash(request.password()))
                .chain(hash -> Panache.withTransaction(() -> users.findLive(me.id())
                        .chain(user -> replace(user, hash, currentSessionSelector, actor, Map.of("userId", me.id())))))
                .invoke(() -> sessions.evict(me.id(), currentSessionSelector));
    }

    /**
     * In the caller's transaction: the user's password becomes this hash, their sessions end (but {@code keepSession}'s;
     * the caller evicts them once this commits) and so do their usable reset links.
     */
    Uni<Void> replace(User user, String hash, String keepSession, Actor actor, Map<String, ?> event) {
        user.passwordHash = hash;
        return users.flush().call(() -> sessions.end(user.id, keepSession)).call(() -> endLinks(user.id))
                .call(() -> audit.record("user-password-changed", actor, event, null));
    }

    /** In the caller's transaction: every usable reset link of the user ends now. */
    Uni<Integer> endLinks(long userId) {
        return resetTokens.expireForUser(userId, clock.instant());
    }
}
