package dev.flagward.user;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.flagward.web.ErrorDetail;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.RootRole;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.user.UserApi.CurrentUser;
import dev.flagward.user.UserApi.UpdateUserRequest;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.RateLimits;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Users and their root roles (SPEC §5.1). Passwords are hashed off the event loop, before any transaction. */
@ApplicationScoped
public class UserService {

    static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9._@+-]{1,100}$");
    private static final RootRole[] UNLEASH_ROLE_IDS = {null, RootRole.Admin, RootRole.Editor, RootRole.Viewer};
    /** At most this many users answer a search: it is for picking someone, not for listing everyone. */
    static final int SEARCH_LIMIT = 100;

    private final UserRepository users;
    private final Passwords passwords;
    private final AuditLog audit;
    private final CredentialCache cache;
    private final Pool pool;
    private final UserConfig config;
    private final Instance<UserSeatRule> seatRules;
    private final RateLimits rateLimits;
    private final RateLimits.Limit passwordChecks;
    private final PasswordResetService resets;
    private final AccountMail mail;
    private final Clock clock;
    private final ScopeService scopes;

    public UserService(UserRepository users, Passwords passwords, AuditLog audit, CredentialCache cache, Pool pool,
                       UserConfig config, Instance<UserSeatRule> seatRules, RateLimits rateLimits,
                       PasswordResetService resets, AccountMail mail, Clock clock, ScopeService scopes) {
        this.resets = resets;
        this.mail = mail;
        this.scopes = scopes;
        this.users = users;
        this.passwords = passwords;
        this.audit = audit;
        this.cache = cache;
        this.pool = pool;
        this.config = config;
        this.seatRules = seatRules;
        this.rateLimits = rateLimits;
        // Whoever holds a PAT or a session could otherwise test guesses of the user's password as fast as bcrypt
        // answers: the same budget as signing in, per user (not per address, so spreading guesses gains nothing).
        this.passwordChecks = new RateLimits.Limit("password-check", config.loginAttemptsPerMinute(),
                config.loginAttemptsPerMinute(), Duration.ofMinutes(1));
        this.clock = clock;
    }

    public Uni<List<UserView>> list() {
        return Panache.withSession(() -> users.listLive()).map(list -> list.stream().map(UserView::of).toList());
    }

    public Uni<UserView> get(long id) {
        return Panache.withSession(() -> users.findLive(id)).map(user -> UserView.of(require(user, id)));
    }

    public Uni<CurrentUser> current(UserPrincipal principal) {
        return get(principal.id()).map(view -> new CurrentUser(view, Arrays.stream(Permission.values())
                .filter(p -> p.grantedTo(principal.rootRole())).map(p -> new UserApi.PermissionView(p.name())).toList(),
                List.of(), Map.of()));
    }

    /** Unleash's profile of the signed-in user: the root role, and whether they have a password to change. */
    public Uni<UserApi.Profile> profile(UserPrincipal principal) {
        return Panache.withSession(() -> users.findLive(principal.id())).map(found -> {
            User user = require(found, principal.id());
            return new UserApi.Profile(roleView(RootRole.valueOf(user.rootRole)), List.of(), List.of(), List.of(), List.of(),
                    user.passwordHash != null);
        });
    }

    /**
     * The roles the signed-in user holds in a project, as Unleash answers them (the project's roles and the root role).
     * Flagward has no project roles: the root role decides in every project. projectId is required (400), and must name
     * a project (404).
     */
    public Uni<UserApi.Roles> rolesIn(UserPrincipal principal, String projectId) {
        if (projectId == null || projectId.isBlank()) {
            throw ApiException.badData("The projectId query parameter is required: the project to list your roles in.",
                    "/query/projectId");
        }
        return scopes.projectExists(projectId).chain(exists -> {
            if (!exists) {
                throw ApiException.notFound("No project with the id " + projectId + " exists.");
            }
            return Panache.withSession(() -> users.findLive(principal.id()));
        }).map(found -> new UserApi.Roles(1, List.of(roleView(RootRole.valueOf(require(found, principal.id()).rootRole)))));
    }

    /** Every live user, newest first, with what anyone signed in may see of them; no groups (Flagward has none). */
    public Uni<UserApi.UsersAndGroups> baseUsersAndGroups() {
        return Panache.withSession(() -> users.listLive()).map(list -> new UserApi.UsersAndGroups(list.stream()
                .map(user -> new UserApi.BaseUser(user.id, user.name, user.username, user.email, "User")).toList(), List.of()));
    }

    /** A root role as Unleash's roleSchema describes it, with what it may do in Flagward. */
    static UserApi.RoleView roleView(RootRole role) {
        String description = switch (role) {
            case Admin -> "Every permission: users, projects, environments, API tokens of every kind, signals, the license, "
                    + "events and instance statistics.";
            case Editor -> "Reads projects and environments, and manages client, backend and frontend API tokens, for the "
                    + "instance and for each project; no user administration.";
            case Viewer -> "Reads projects and environments; may not see or manage API tokens.";
        };
        return new UserApi.RoleView(roleId(role.name()), "root", role.name(), description);
    }

    record NewUser(String username, String email, String name, String password, RootRole role) {
    }

    public Uni<UserView> create(CreateUserRequest request, Actor actor) {
        return create(request, actor, null);
    }

    /**
     * Creates a user. One created without a password cannot sign in yet: like Unleash, the answer carries a welcome link
     * ({@code inviteLink}, starting with {@code requestBase} unless flagward.users.public-url is set) that sets the
     * password once, and the link is mailed to the user when mail is on and {@code sendEmail} is not false.
     */
    public Uni<UserView> create(CreateUserRequest request, Actor actor, String requestBase) {
        NewUser spec = validate(request);
        boolean welcome = spec.password() == null && requestBase != null;
        Uni<String> hash = spec.password() == null ? Uni.createFrom().nullItem() : passwords.hash(spec.password());
        return hash.chain(passwordHash -> Panache.withTransaction(() -> insert(spec, passwordHash, actor)
                        .chain(user -> !welcome ? Uni.createFrom().item(new Created(user, null))
                                : resets.issueWelcome(user.id, actor).map(secret -> new Created(user, secret)))))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("A user with that username or email already exists."))
                .chain(created -> {
                    UserView view = UserView.of(created.user());
                    if (created.welcomeSecret() == null) {
                        return Uni.createFrom().item(view);
                    }
                    String link = PasswordResetService.welcomeLink(resets.linkBase(requestBase), created.welcomeSecret());
                    boolean send = !Boolean.FALSE.equals(request.sendEmail()) && created.user().email != null;
                    return (send ? mail.sendWelcome(created.user().id, created.user().email, created.user().name, link)
                            : Uni.createFrom().item(false)).map(mailed -> view.invited(link, mailed));
                });
    }

    private record Created(User user, String welcomeSecret) {
        @Override
        public String toString() {
            return "Created[" + user.id + "]";
        }
    }

    /**
     * A user who signs up with an invite link: a Viewer (a read-only seat, checked against the license like any
     * creation), with the password they chose. Validated and hashed here, before any transaction; inserted by
     * {@link #insertInvited} in the caller's transaction.
     */
    Uni<PreparedUser> prepareInvited(UserApi.InvitedUserRequest request) {
        Validation.of(request)
                .check(request.email() != null && !request.email().isBlank(), "The email property is required.", "email")
                .check(request.name() != null && !request.name().isBlank(), "The name property is required.", "name")
                .orFail();
        validatePassword(request.password());
        NewUser spec = validate(new CreateUserRequest(request.username(), request.email(), request.name(),
                request.password(), TextNode.valueOf(RootRole.Viewer.name())));
        return passwords.hash(request.password()).map(hash -> new PreparedUser(spec, hash));
    }

    record PreparedUser(NewUser spec, String passwordHash) {
        @Override
        public String toString() {
            return "PreparedUser[…]";
        }
    }

    /** In the caller's transaction: the seat rule, the unique names, the row and its event. */
    Uni<User> insertInvited(PreparedUser prepared, Actor actor) {
        return insert(prepared.spec(), prepared.passwordHash(), actor);
    }

    private Uni<User> insert(NewUser spec, String passwordHash, Actor actor) {
        return checkSeat(spec.role()).chain(() -> spec.username() == null ? Uni.createFrom().nullItem() : users.findLiveByLogin(spec.username()))
                .chain(clash -> clash != null || spec.email() == null ? Uni.createFrom().item(clash)
                        : users.findLiveByLogin(spec.email()))
                .chain(clash -> {
                    if (clash != null) {
                        throw ApiException.nameExists("A user with that username or email already exists.");
                    }
                    User user = new User();
                    user.username = spec.username();
                    user.email = spec.email();
                    user.name = spec.name();
                    user.rootRole = spec.role().name();
                    user.passwordHash = passwordHash;
                    user.createdAt = clock.instant();
                    return users.persistAndFlush(user);
                })
                .call(user -> audit.record("user-created", actor, UserView.of(user), null));
    }

    private Uni<Void> checkSeat(RootRole role) {
        Uni<Void> rules = Uni.createFrom().voidItem();
        for (UserSeatRule rule : seatRules) {
            rules = rules.call(() -> rule.beforeSeatTaken(role));
        }
        return rules;
    }

    /** Seats in use, within the caller's session: non-Viewers, counting those deleted in the last 30 days. */
    public record SeatUsage(long seats, long readOnlyUsers) {
    }

    public Uni<SeatUsage> seatUsage() {
        Instant recent = clock.instant().minus(Duration.ofDays(30));
        return users.count("rootRole <> 'Viewer' and (deletedAt is null or deletedAt > ?1)", recent)
                .chain(seats -> users.count("rootRole = 'Viewer' and deletedAt is null")
                        .map(viewers -> new SeatUsage(seats, viewers)));
    }

    public Uni<UserView> update(long id, UpdateUserRequest request, Actor actor) {
        Validation validation = Validation.of(request).maxLength(request.name(), "name", 200);
        checkEmail(validation, request.email());
        RootRole role = request.rootRole() == null || request.rootRole().isNull() ? null : parseRole(request.rootRole());
        validation.check(request.rootRole() == null || request.rootRole().isNull() || role != null,
                "The rootRole must be Admin, Editor or Viewer (or Unleash's role id 1, 2 or 3).", "rootRole");
        validation.orFail();
        return Panache.withTransaction(() -> users.findLive(id).chain(found -> {
                    User user = require(found, id);
                    UserView before = UserView.of(user);
                    if (request.name() != null) {
                        user.name = request.name().strip();
                    }
                    String emailBefore = user.email;
                    if (request.email() != null) {
                        user.email = request.email().isBlank() ? null : request.email().strip();
                    }
                    // A reset link went to the old address: whoever still reads that mailbox must not set the password.
                    boolean emailChanged = emailBefore == null ? user.email != null : !emailBefore.equalsIgnoreCase(user.email);
                    if (user.username == null && user.email == null) {
                        throw ApiException.badData("A user without a username needs an email.", "/body/email");
                    }
                    // Moving between Viewer and the other roles takes the other kind of seat.
                    boolean seatChanges = role != null
                            && (role == RootRole.Viewer) != RootRole.Viewer.name().equals(user.rootRole);
                    // Checked before the role is set: the count must not see the change it is judging.
                    return (seatChanges ? checkSeat(role) : Uni.createFrom().voidItem())
                            .invoke(() -> {
                                if (role != null) {
                                    user.rootRole = role.name();
                                }
                            })
                            .chain(() -> users.flush())
                            .call(() -> emailChanged ? resets.endLinks(id) : Uni.createFrom().voidItem()).replaceWith(user)
                            .call(() -> audit.record("user-updated", actor, UserView.of(user), before));
                }))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("A user with that email already exists."))
                .call(user -> cache.refreshUser(id))
                .map(UserView::of);
    }

    /** Soft delete: the user's sessions end and their PATs stop, on every replica. */
    public Uni<Void> delete(long id, Actor actor) {
        return Panache.withTransaction(() -> users.findLive(id).chain(found -> {
                    User user = require(found, id);
                    UserView before = UserView.of(user);
                    user.deletedAt = clock.instant();
                    return users.flush()
                            .call(() -> Panache.getSession().chain(session -> session
                                    .createNativeQuery("delete from sessions where user_id = :id")
                                    .setParameter("id", id).executeUpdate()))
                            .call(() -> audit.record("user-deleted", actor, null, before));
                }))
                .invoke(() -> cache.evictUser(id))
                .replaceWithVoid();
    }

    // ------------------------------------------------------------------ seat management (Unleash's user-admin extras)

    /**
     * Live users whose username, email or name contains the query (case-insensitive), the first {@value #SEARCH_LIMIT}
     * by id; fewer than 2 characters: none.
     */
    public Uni<List<UserView>> search(String query) {
        if (query == null || query.strip().length() < 2) {
            return Uni.createFrom().item(List.of());
        }
        String pattern = "%" + query.strip().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        // Bounded in the query: a two-letter query can match every user, and only these are answered.
        return Panache.withSession(() -> users.find("deletedAt is null and (lower(username) like ?1 or lower(email) like ?1 "
                        + "or lower(name) like ?1) order by id", pattern).range(0, SEARCH_LIMIT - 1).list())
                .map(list -> list.stream().map(UserView::of).toList());
    }

    /** Admins with a password, Admins without one, service accounts (none in Flagward). */
    public Uni<UserApi.AdminCount> adminCount() {
        return pool.query("select count(*) filter (where password_hash is not null) as with_password, "
                        + "count(*) filter (where password_hash is null) as without_password "
                        + "from users where deleted_at is null and root_role = 'Admin'").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new UserApi.AdminCount(row.getLong("with_password"), row.getLong("without_password"), 0);
                });
    }

    private static final String INACTIVE = """
            select u.id, u.name, u.email, u.username, u.seen_at, u.created_at, a.pat_seen_at
              from users u join user_activity a on a.user_id = u.id
             where coalesce(a.last_seen, u.created_at) < $1
             order by u.id
            """;

    /** Live users with no sign-in and no PAT use for {@code flagward.users.inactive-after} (never seen: since created). */
    public Uni<UserApi.InactiveUsers> inactive() {
        OffsetDateTime before = clock.instant().minus(config.inactiveAfter()).atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(INACTIVE).execute(Tuple.of(before)).map(rows -> {
            List<UserApi.InactiveUser> out = new ArrayList<>();
            rows.forEach(row -> out.add(new UserApi.InactiveUser(row.getLong("id"), row.getString("name"),
                    row.getString("email"), row.getString("username"), instant(row, "seen_at"), instant(row, "created_at"),
                    instant(row, "pat_seen_at"))));
            return new UserApi.InactiveUsers(1, out);
        });
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** Deletes those of the given users that are inactive now (others are left alone), each as a user deletion. */
    public Uni<Integer> deleteInactive(List<Long> ids, Actor actor) {
        if (ids == null) {
            throw ApiException.badData("ids is required: the ids of inactive users to delete.", "/body/ids");
        }
        if (ids.size() > 1000 || ids.stream().anyMatch(id -> id == null || id <= 0)) {
            throw ApiException.badData("ids must be at most 1000 positive user ids.", "/body/ids");
        }
        Set<Long> wanted = new HashSet<>(ids);
        return inactive().chain(found -> {
            List<Long> deletable = found.inactiveUsers().stream().map(UserApi.InactiveUser::id).filter(wanted::contains).toList();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Long id : deletable) {
                chain = chain.call(() -> delete(id, actor));
            }
            return chain.replaceWith(deletable.size());
        });
    }

    /** 400 with one detail per broken rule. */
    public void validatePassword(String password) {
        List<String> problems = PasswordRules.problems(password, config.minPasswordLength());
        if (!problems.isEmpty()) {
            throw ApiException.badData(problems.stream().map(p -> new ErrorDetail(p, "/body/password")).toList());
        }
    }

    /** An Admin sets a user's password: every session of that user ends (PATs stay). */
    public Uni<Void> changePassword(long id, String password, Actor actor) {
        validatePassword(password);
        return passwords.hash(password).chain(hash -> Panache.withTransaction(() -> users.findLive(id).chain(found -> {
            User user = require(found, id);
            user.passwordHash = hash;
            return users.flush().call(() -> endSessions(id, null)).call(() -> resets.endLinks(id))
                    .call(() -> audit.record("user-password-changed", actor, Map.of("userId", id), null));
        }))).invoke(() -> cache.evictUserCredentials(id, SessionCredentialSource.KIND, null)).replaceWithVoid();
    }

    /**
     * The signed-in user's own: the current password is required; every other session of the user ends. Checks of the
     * current password are rate-limited per user like sign-in (429 beyond it, the right password too).
     */
    public Uni<Void> changeMyPassword(UserPrincipal me, UserApi.ChangeMyPasswordRequest request, String currentSessionSelector,
                                      Actor actor) {
        Validation.of(request).check(request.oldPassword() != null && !request.oldPassword().isEmpty(),
                "The current password (oldPassword) is required.", "oldPassword")
                .check(request.confirmPassword() == null || request.confirmPassword().equals(request.password()),
                        "password and confirmPassword differ.", "confirmPassword").orFail();
        validatePassword(request.password());
        rateLimits.consume(passwordChecks, String.valueOf(me.id()));
        return Panache.withSession(() -> users.findLive(me.id())).chain(found -> {
            User user = require(found, me.id());
            Uni<Boolean> matches = user.passwordHash == null ? Uni.createFrom().item(false)
                    : passwords.matches(request.oldPassword(), user.passwordHash);
            return matches.invoke(ok -> {
                if (!ok) {
                    throw ApiException.badData("The current password is not correct.", "/body/oldPassword");
                }
            });
        }).chain(() -> passwords.hash(request.password())).chain(hash -> Panache.withTransaction(() -> users.findLive(me.id())
                .chain(user -> {
                    user.passwordHash = hash;
                    return users.flush().call(() -> endSessions(me.id(), currentSessionSelector))
                            .call(() -> resets.endLinks(me.id()))
                            .call(() -> audit.record("user-password-changed", actor, Map.of("userId", me.id()), null));
                }))).invoke(() -> cache.evictUserCredentials(me.id(), SessionCredentialSource.KIND, currentSessionSelector))
                .replaceWithVoid();
    }

    /** In the caller's transaction: deletes the user's sessions (their triggers tell every replica), but one. */
    static Uni<Integer> endSessions(long userId, String keepSelector) {
        // Selectors are never empty: "" keeps none.
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from sessions where user_id = :id and selector <> :keep")
                .setParameter("id", userId)
                .setParameter("keep", keepSelector == null ? "" : keepSelector)
                .executeUpdate());
    }

    /** Every live user as a principal, for loading credentials that act as users. */
    public Uni<Map<Long, UserPrincipal>> livePrincipals() {
        return pool.query("select id, coalesce(username, email) as login, root_role from users where deleted_at is null")
                .execute().map(rows -> {
                    Map<Long, UserPrincipal> out = new HashMap<>();
                    rows.forEach(row -> out.put(row.getLong("id"), principal(row)));
                    return out;
                });
    }

    /** The principal of a live user, or null when the user is deleted or unknown. */
    public Uni<UserPrincipal> livePrincipal(long id) {
        return pool.preparedQuery("select id, coalesce(username, email) as login, root_role from users "
                        + "where id = $1 and deleted_at is null").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : principal(rows.iterator().next()));
    }

    static UserPrincipal principal(Row row) {
        return new UserPrincipal(row.getLong("id"), row.getString("login"), RootRole.valueOf(row.getString("root_role")));
    }

    private static User require(User user, long id) {
        if (user == null) {
            throw ApiException.notFound("No user with id " + id + " exists.");
        }
        return user;
    }

    NewUser validate(CreateUserRequest request) {
        Validation validation = Validation.of(request);
        String username = blankToNull(request.username());
        String email = blankToNull(request.email());
        validation.check(username != null || email != null, "A user needs a username or an email.", "username");
        validation.matches(username, USERNAME, "username",
                "may only contain letters, digits and . _ @ + - (at most 100 characters)");
        checkEmail(validation, email);
        validation.maxLength(request.name(), "name", 200);
        RootRole role = parseRole(request.rootRole());
        validation.check(role != null, "The rootRole is required: Admin, Editor or Viewer (or Unleash's role id 1, 2 or 3).",
                "rootRole");
        String password = request.password();
        if (password != null) {
            validation.check(password.length() >= config.minPasswordLength(),
                    "The password must have at least " + config.minPasswordLength() + " characters.", "password");
            validation.check(!Passwords.tooLong(password), "The password may be at most 72 bytes.", "password");
        }
        validation.orFail();
        return new NewUser(username, email, blankToNull(request.name()), password, role);
    }

    private static void checkEmail(Validation validation, String email) {
        validation.check(email == null || email.isBlank() || (email.length() <= 320 && email.strip().matches("^[^@\\s]+@[^@\\s]+$")),
                "The email is not a valid address.", "email");
    }

    static RootRole parseRole(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            for (RootRole role : RootRole.values()) {
                if (role.name().equalsIgnoreCase(node.asText().trim())) {
                    return role;
                }
            }
            return null;
        }
        if (node.isInt() && node.asInt() > 0 && node.asInt() < UNLEASH_ROLE_IDS.length) {
            return UNLEASH_ROLE_IDS[node.asInt()];
        }
        return null;
    }

    /** Unleash's id of a root role, as responses carry it: 1 Admin, 2 Editor, 3 Viewer. */
    static int roleId(String roleName) {
        RootRole role = RootRole.valueOf(roleName);
        for (int id = 1; id < UNLEASH_ROLE_IDS.length; id++) {
            if (UNLEASH_ROLE_IDS[id] == role) {
                return id;
            }
        }
        throw new IllegalStateException("A root role without an Unleash id: " + roleName);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static String normalise(String login) {
        return login.strip().toLowerCase(Locale.ROOT);
    }
}
