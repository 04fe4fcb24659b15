package dev.flagward.user;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.access.LicenseState;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.principal.RootRole;
import dev.flagward.user.InviteLinkApi.CreateInviteLinkRequest;
import dev.flagward.user.InviteLinkApi.InviteLinkView;
import dev.flagward.user.InviteLinkApi.UpdateInviteLinkRequest;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.user.UserApi.InvitedUserRequest;
import dev.flagward.user.UserApi.RoleView;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.RateLimits;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Invite links (Unleash's public signup tokens): whoever holds one may sign up as a Viewer while it is enabled and not
 * expired. The secret is minted in the one credential format ({@code invite_v2_…}) and only its selector and SHA-256
 * verifier are stored, so the link is shown once, when it is made. Every use reads the link from the database, so
 * disabling it or moving its expiry holds on every replica from the moment the change commits, with no cache to
 * notify. A signup takes a read-only seat under the license's rule, like any Viewer an Admin creates.
 */
@ApplicationScoped
public class InviteLinkService {

    static final String PREFIX = "invite_";
    /** Unleash caps a link's life at a month; an invitation anyone may forward should not outlive that. */
    static final Duration LONGEST = Duration.ofDays(30);
    static final String INVALID = "The invite link is not valid: it is unknown, disabled or has expired.";

    @Inject
    InviteLinkRepository links;
    @Inject
    UserService userService;
    @Inject
    UserRepository users;
    @Inject
    Passwords passwords;
    @Inject
    PasswordService passwordService;
    @Inject
    PasswordResetService resets;
    @Inject
    AuditLog audit;
    @Inject
    RateLimits rateLimits;
    @Inject
    UserConfig config;
    @Inject
    Instance<LicenseState> license;
    @Inject
    Clock clock;

    // ------------------------------------------------------------------ the Admin's side

    public Uni<List<InviteLinkView>> list() {
        return Panache.withSession(() -> links.listNewestFirst().chain(found -> signedUp(found).map(byLink -> {
            Instant now = clock.instant();
            return found.stream().map(link -> view(link, null, null, byLink.getOrDefault(link.id, List.of()), now))
                    .toList();
        })));
    }

    public Uni<InviteLinkView> get(String token) {
        return Panache.withSession(() -> find(token).chain(link -> signedUp(List.of(link))
                .map(byLink -> view(link, null, null, byLink.getOrDefault(link.id, List.of()), clock.instant()))));
    }

    /** A new link; the answer is the one place its secret and URL are shown. */
    public Uni<InviteLinkView> create(CreateInviteLinkRequest request, Actor actor, String requestBase) {
        Instant now = clock.instant();
        Validation.of(request).requireText(request.name(), "name", 255)
                .check(request.expiresAt() != null, "The expiresAt property is required.", "expiresAt")
                .check(request.expiresAt() == null || request.expiresAt().isAfter(now),
                        "The expiresAt date must be in the future.", "expiresAt")
                .orFail();
        CredentialFormat.Minted minted = CredentialFormat.mint(PREFIX);
        InviteLink link = new InviteLink();
        link.selector = minted.selector();
        link.verifier = minted.verifier();
        link.name = request.name().strip();
        link.rootRole = RootRole.Viewer.name();
        link.enabled = true;
        link.createdBy = actor.name();
        link.createdAt = now;
        link.expiresAt = capped(request.expiresAt(), now);
        String url = resets.linkBase(requestBase) + "/new-user?invite=" + minted.secret();
        return Panache.withTransaction(() -> links.persistAndFlush(link)
                .call(() -> audit.record("public-signup-token-created", actor, view(link, null, null, List.of(), now),
                        null)))
                .map(saved -> view(saved, minted.secret(), url, List.of(), now));
    }

    /**
     * Moves the expiry and/or enables or disables the link; at once for every replica (each use reads the row). In
     * read-only mode only what ends or shortens a link is allowed: revocation is never blocked.
     */
    public Uni<InviteLinkView> update(String token, UpdateInviteLinkRequest request, Actor actor) {
        Instant now = clock.instant();
        Validation.of(request)
                .check(request.expiresAt() != null || request.enabled() != null,
                        "Give expiresAt, enabled, or both.", "expiresAt")
                .orFail();
        return Panache.withTransaction(() -> find(token).chain(link -> {
            InviteLinkView before = view(link, null, null, List.of(), now);
            Instant expiresAt = request.expiresAt() == null ? link.expiresAt : capped(request.expiresAt(), now);
            boolean enabled = request.enabled() == null ? link.enabled : request.enabled();
            boolean widens = (enabled && !link.enabled) || expiresAt.isAfter(link.expiresAt);
            if (widens && license.isResolvable() && license.get().readOnly()) {
                throw ApiException
                        .license("The license has expired beyond its grace period: an invite link may only be "
                                + "disabled or shortened.");
            }
            link.expiresAt = expiresAt;
            link.enabled = enabled;
            return links.flush()
                    .call(() -> audit.record("public-signup-token-updated", actor,
                            view(link, null, null, List.of(), now), before))
                    .chain(() -> signedUp(List.of(link)))
                    .map(byLink -> view(link, null, null, byLink.getOrDefault(link.id, List.of()), now));
        }));
    }

    /** By the identifier lists show (the selector), or by the whole secret; 404 otherwise. */
    private Uni<InviteLink> find(String token) {
        String value = token == null ? "" : token.strip();
        CredentialFormat.Parsed parsed = CredentialFormat.looksLikeSelector(value)
                ? null
                : CredentialFormat.parse(value);
        if (!CredentialFormat.looksLikeSelector(value) && (parsed == null || !PREFIX.equals(parsed.prefix()))) {
            return Uni.createFrom().failure(notFound());
        }
        String selector = parsed == null ? value : parsed.selector();
        return links.findBySelector(selector).map(link -> {
            if (link == null || (parsed != null && !CredentialFormat.verifies(value, link.verifier))) {
                throw notFound();
            }
            return link;
        });
    }

    private static ApiException notFound() {
        return ApiException.notFound("Could not find an invite link with that secret or identifier.");
    }

    private static Instant capped(Instant wanted, Instant now) {
        Instant latest = now.plus(LONGEST);
        return wanted.isAfter(latest) ? latest : wanted;
    }

    /** Live users who signed up with each of these links, by link id. */
    private Uni<Map<Long, List<UserView>>> signedUp(List<InviteLink> found) {
        if (found.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Long> ids = found.stream().map(link -> link.id).toList();
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select l.invite_link_id, l.user_id from invite_link_users l join users u on u.id = l.user_id "
                        + "where l.invite_link_id in (:ids) and u.deleted_at is null order by l.user_id",
                Object[].class)
                .setParameter("ids", ids).getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(Map.<Long, List<UserView>>of());
                    }
                    List<Long> userIds = rows.stream().map(row -> ((Number) row[1]).longValue()).distinct().toList();
                    return users.list("id in ?1", userIds).map(list -> {
                        Map<Long, UserView> byId = new HashMap<>();
                        list.forEach(user -> byId.put(user.id, UserView.of(user)));
                        Map<Long, List<UserView>> out = new HashMap<>();
                        rows.forEach(row -> out.computeIfAbsent(((Number) row[0]).longValue(), id -> new ArrayList<>())
                                .add(byId.get(((Number) row[1]).longValue())));
                        return out;
                    });
                });
    }

    private static InviteLinkView view(InviteLink link, String secret, String url, List<UserView> signedUp,
            Instant now) {
        return new InviteLinkView(secret == null ? link.selector : secret, url, link.name, link.openAt(now),
                link.expiresAt,
                link.createdAt, link.createdBy, signedUp, RoleView.of(link.rootRole));
    }

    // ------------------------------------------------------------------ the invited person's side

    /** 200 when the link lets people sign up now; 400 otherwise (Unleash's answers). */
    public Uni<Void> validate(String token, String address) {
        rateLimits.consume(linkAttempts(), address);
        String selector = selectorOf(token);
        return Panache.withSession(() -> links.findBySelector(selector))
                .invoke(link -> requireOpen(link, token, clock.instant()))
                .replaceWithVoid();
    }

    /**
     * Signs someone up with the link: a Viewer with the password they chose. The link is checked before the password
     * is hashed (a dead link costs no bcrypt work), and again in the creating transaction under a shared row lock, so
     * a disable that commits first is seen and one that comes later waits. The license's read-only seats are checked
     * in the same transaction (ExceedsLimitError when none is left).
     */
    public Uni<UserView> signup(String token, InvitedUserRequest request, Actor actor) {
        if (license.isResolvable() && license.get().readOnly()) {
            throw ApiException.license("The license has expired beyond its grace period: nobody can sign up until a "
                    + "license is installed.");
        }
        rateLimits.consume(linkAttempts(), actor.address());
        String selector = selectorOf(token);
        return Panache.withSession(() -> links.findBySelector(selector))
                .invoke(link -> requireOpen(link, token, clock.instant()))
                .chain(() -> invitee(request))
                .chain(invitee -> Panache.withTransaction(() -> links.lockForSignup(selector).chain(link -> {
                    requireOpen(link, token, clock.instant());
                    return userService.insert(invitee.spec(), invitee.passwordHash(), actor)
                            .call(user -> Panache.getSession().chain(session -> session.createNativeQuery(
                                    "insert into invite_link_users (invite_link_id, user_id) values (:link, :user)")
                                    .setParameter("link", link.id).setParameter("user", user.id).executeUpdate()))
                            .call(user -> audit.record("public-signup-token-user-added", actor,
                                    Map.of("secret", link.selector, "userId", user.id), null));
                })))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("A user with that username or email already exists."))
                .map(UserView::of);
    }

    /** A Viewer with the password they chose: validated and hashed here, before any transaction. */
    private Uni<Invitee> invitee(InvitedUserRequest request) {
        Validation.of(request)
                .check(request.email() != null && !request.email().isBlank(), "The email property is required.",
                        "email")
                .check(request.name() != null && !request.name().isBlank(), "The name property is required.", "name")
                .orFail();
        passwordService.validate(request.password());
        NewUser spec = NewUser.of(new CreateUserRequest(request.username(), request.email(), request.name(),
                request.password(), TextNode.valueOf(RootRole.Viewer.name())), config.minPasswordLength());
        return passwords.hash(request.password()).map(hash -> new Invitee(spec, hash));
    }

    private record Invitee(NewUser spec, String passwordHash) {

        @Override
        public String toString() {
            return "Invitee[…]";
        }
    }

    private RateLimits.Limit linkAttempts() {
        return new RateLimits.Limit("invite-link", config.linkAttemptsPerMinute(), config.linkAttemptsPerMinute(),
                Duration.ofMinutes(1));
    }

    /** The selector of a whole invite secret; anything else (a listed identifier included) signs nobody up. */
    private static String selectorOf(String token) {
        CredentialFormat.Parsed parsed = token == null ? null : CredentialFormat.parse(token.strip());
        if (parsed == null || !PREFIX.equals(parsed.prefix())) {
            throw invalid();
        }
        return parsed.selector();
    }

    private static void requireOpen(InviteLink link, String token, Instant now) {
        boolean matches = link != null && CredentialFormat.verifies(token.strip(), link.verifier);
        if (!matches || !link.openAt(now)) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.badData(INVALID, "/params/token");
    }
}
