package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.scope.ScopeService;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.RootRole;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.user.UserApi.CurrentUser;
import dev.flagward.user.UserApi.RoleView;
import dev.flagward.user.UserApi.UpdateUserRequest;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Users and their root roles (SPEC §5.1): the Admin's user administration, the signed-in user's own view, and users
 * as principals for the credentials that act as them. A new user's password is hashed off the event loop, before any
 * transaction. Seats ({@link SeatService}), password changes ({@link PasswordService}) and inactive users
 * ({@link InactiveUserService}) have services of their own.
 */
@ApplicationScoped
public class UserService {

    /** At most this many users answer a search: it is for picking someone, not for listing everyone. */
    static final int SEARCH_LIMIT = 100;
    private static final String LIVE_PRINCIPALS = "select id, coalesce(username, email) as login, root_role from users where deleted_at is null";

    @Inject
    UserRepository users;
    @Inject
    Passwords passwords;
    @Inject
    PasswordService passwordService;
    @Inject
    SeatService seats;
    @Inject
    SessionService sessions;
    @Inject
    PasswordResetService resets;
    @Inject
    AccountMail mail;
    @Inject
    AuditLog audit;
    @Inject
    CredentialCache cache;
    @Inject
    Pool pool;
    @Inject
    UserConfig config;
    @Inject
    ScopeService scopes;
    @Inject
    Clock clock;

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
            return new UserApi.Profile(RoleView.of(user.rootRole), List.of(), List.of(), List.of(), List.of(),
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
        }).map(found -> new UserApi.Roles(1, List.of(RoleView.of(require(found, principal.id()).rootRole))));
    }

    /** Every live user, newest first, with what anyone signed in may see of them; no groups (Flagward has none). */
    public Uni<UserApi.UsersAndGroups> baseUsersAndGroups() {
        return Panache.withSession(() -> users.listLive()).map(list -> new UserApi.UsersAndGroups(list.stream()
                .map(user -> new UserApi.BaseUser(user.id, user.name, user.username, user.email, "User")).toList(),
                List.of()));
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
        NewUser spec = NewUser.of(request, config.minPasswordLength());
        boolean welcome = spec.password() == null && requestBase != null;
        Uni<String> hash = spec.password() == null ? Uni.createFrom().nullItem() : passwords.hash(spec.password());
        return hash.chain(passwordHash -> Panache.withTransaction(() -> insert(spec, passwordHash, actor)
                .chain(user -> !welcome
                        ? Uni.createFrom().item(new Created(user, null))
                        : resets.issueWelcome(user.id, actor, requestBase).map(link -> new Created(user, link)))))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("A user with that username or email already exists."))
                .chain(created -> {
                    User user = created.user();
                    if (created.welcomeLink() == null) {
                        return Uni.createFrom().item(UserView.of(user));
                    }
                    boolean send = !Boolean.FALSE.equals(request.sendEmail()) && user.email != null;
                    return (send
                            ? mail.sendWelcome(user.id, user.email, user.name, created.welcomeLink())
                            : Uni.createFrom().item(false))
                            .map(mailed -> UserView.of(user).invited(created.welcomeLink(), mailed));
                });
    }

    private record Created(User user, String welcomeLink) {

        @Override
        public String toString() {
            return "Created[" + user.id + "]";
        }
    }

    /** In the caller's transaction: the seat rule, the unique names, the row and its event. */
    Uni<User> insert(NewUser spec, String passwordHash, Actor actor) {
        return seats.check(spec.role()).chain(
                () -> spec.username() == null ? Uni.createFrom().nullItem() : users.findLiveByLogin(spec.username()))
                .chain(clash -> clash != null || spec.email() == null
                        ? Uni.createFrom().item(clash)
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

    public Uni<UserView> update(long id, UpdateUserRequest request, Actor actor) {
        Validation validation = Validation.of(request).maxLength(request.name(), "name", 200);
        NewUser.checkEmail(validation, request.email());
        RootRole role = UnleashRoles.parse(request.rootRole());
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
            return (seatChanges ? seats.check(role) : Uni.createFrom().voidItem())
                    .invoke(() -> {
                        if (role != null) {
                            user.rootRole = role.name();
                        }
                    })
                    .chain(() -> users.flush())
                    .call(() -> emailChanged ? passwordService.endLinks(id) : Uni.createFrom().voidItem())
                    .replaceWith(user)
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
                    .call(() -> sessions.end(id, null))
                    .call(() -> audit.record("user-deleted", actor, null, before));
        }))
                .invoke(() -> cache.evictUser(id))
                .replaceWithVoid();
    }

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
        return Panache
                .withSession(() -> users.find("deletedAt is null and (lower(username) like ?1 or lower(email) like ?1 "
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

    /** Every live user as a principal, for loading credentials that act as users. */
    public Uni<Map<Long, UserPrincipal>> livePrincipals() {
        return pool.query(LIVE_PRINCIPALS).execute().map(rows -> {
            Map<Long, UserPrincipal> out = new HashMap<>();
            rows.forEach(row -> out.put(row.getLong("id"), principal(row)));
            return out;
        });
    }

    /** The principal of a live user, or null when the user is deleted or unknown. */
    public Uni<UserPrincipal> livePrincipal(long id) {
        return pool.preparedQuery(LIVE_PRINCIPALS + " and id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : principal(rows.iterator().next()));
    }

    static UserPrincipal principal(Row row) {
        return new UserPrincipal(row.getLong("id"), row.getString("login"),
                RootRole.valueOf(row.getString("root_role")));
    }

    static User require(User user, long id) {
        if (user == null) {
            throw ApiException.notFound("No user with id " + id + " exists.");
        }
        return user;
    }
}
