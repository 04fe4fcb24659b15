package dev.flagward.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flagward.security.principal.RootRole;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Request and response bodies of users, sessions and the current user. */
public final class UserApi {

    private UserApi() {
    }

    /** {@code rootRole} is a role name ("Admin", "Editor", "Viewer") or Unleash's role id (1, 2, 3). */
    public record CreateUserRequest(String username, String email, String name, String password, JsonNode rootRole,
            Boolean sendEmail) {

        CreateUserRequest(String username, String email, String name, String password, JsonNode rootRole) {
            this(username, email, name, password, rootRole, null);
        }
    }

    public record UpdateUserRequest(String name, String email, JsonNode rootRole) {}

    /**
     * A user with the fields of Unleash's user schema: real values where Flagward has them, Unleash's neutral
     * defaults otherwise ({@code isAPI} false, {@code accountType} "User", no sent email). {@code rootRole} is the
     * role's Unleash id (1 Admin, 2 Editor, 3 Viewer), a number as in Unleash's schema. A field without a value (no
     * email, never signed in) is left out rather than sent as null, as Unleash's schema has it: a client generated
     * from that schema refuses null in a string field. Flagward has no profile images, so {@code imageUrl} never
     * appears; {@code inviteLink} (a secret: the welcome link that sets the password) and a true {@code emailSent}
     * appear only in the answer that creates a user without a password.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserView(@Schema(required = true) long id, String username, String email, String name,
            @Schema(required = true) int rootRole, @Schema(required = true) Instant createdAt,
            Instant seenAt, boolean isAPI, String accountType, int loginAttempts, boolean emailSent,
            String seatType, String inviteLink) {

        static UserView of(User user) {
            return new UserView(user.id, user.username, user.email, user.name, UnleashRoles.id(user.rootRole),
                    user.createdAt, user.seenAt, false, "User", 0, false,
                    "Viewer".equals(user.rootRole) ? "Read-only" : "Regular", null);
        }

        /** The answer to the Admin who created the user: with the welcome link, and whether it was mailed. */
        UserView invited(String link, boolean mailed) {
            return new UserView(id, username, email, name, rootRole, createdAt, seenAt, isAPI, accountType,
                    loginAttempts,
                    mailed, seatType, link);
        }

        @Override
        public String toString() {
            return "UserView[" + id + "]"; // never the invite link
        }
    }

    /** A permission as Unleash sends it in {@code GET /api/admin/user}. */
    public record PermissionView(String permission) {}

    public record UserList(List<UserView> users) {}

    /**
     * {@code GET /api/admin/user}, Unleash's meSchema. {@code feedback} and {@code splash} are required there: Unleash's
     * UI keeps which feedback prompts and splash screens a user has seen. Flagward has neither, so they are always
     * empty ({@code []} and {@code {}}), which tells such a client there is nothing to show.
     */
    public record CurrentUser(@Schema(required = true) UserView user,
            @Schema(required = true) List<PermissionView> permissions,
            @Schema(required = true) List<Feedback> feedback, @Schema(required = true) Map<String, Boolean> splash) {}

    /** An entry of {@code feedback} in Unleash's meSchema (its feedbackSchema); Flagward records none. */
    public record Feedback(Long userId, String feedbackId, Boolean neverShow, Instant given) {}

    /**
     * A role as Unleash's roleSchema has it. Flagward's roles are the three root roles (Unleash's ids 1 Admin, 2 Editor,
     * 3 Viewer, type {@code root}); the description says what the role may do here.
     */
    public record RoleView(@Schema(required = true) int id, @Schema(required = true) String type,
            @Schema(required = true) String name, String description) {

        static RoleView of(String rootRole) {
            String description = switch (RootRole.valueOf(rootRole)) {
                case Admin -> "Every permission: users, projects, environments, API tokens of every kind, signals, the "
                        + "license, events and instance statistics.";
                case Editor ->
                    "Reads projects and environments, and manages client, backend and frontend API tokens, for "
                            + "the instance and for each project; no user administration.";
                case Viewer -> "Reads projects and environments; may not see or manage API tokens.";
            };
            return new RoleView(UnleashRoles.id(rootRole), "root", rootRole, description);
        }
    }

    /**
     * {@code GET /api/admin/user/profile}, Unleash's profileSchema, as Flagward can answer it truthfully: the root role,
     * no project memberships, groups, subscriptions or features (Flagward has none: the root role decides everywhere),
     * and whether the user has a password of their own to change.
     */
    public record Profile(@Schema(required = true) RoleView rootRole, @Schema(required = true) List<String> projects,
            @Schema(required = true) List<Map<String, Object>> groups,
            @Schema(required = true) List<Map<String, Object>> features,
            @Schema(required = true) List<String> subscriptions,
            @Schema(required = true) boolean canChangePassword) {}

    /** {@code GET /api/admin/user/roles}, Unleash's rolesSchema. */
    public record Roles(@Schema(required = true) int version, @Schema(required = true) List<RoleView> roles) {}

    /** A user in {@code GET /api/admin/user-admin/access}: the fields of Unleash's userSchema that it answers there. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BaseUser(@Schema(required = true) long id, String name, String username, String email,
            String accountType) {}

    /** {@code GET /api/admin/user-admin/access}, Unleash's usersGroupsBaseSchema; Flagward has no groups. */
    public record UsersAndGroups(@Schema(required = true) List<BaseUser> users,
            @Schema(required = true) List<Map<String, Object>> groups) {}

    public record LoginRequest(String username, String password) {}

    /** {@code POST …/validate-password}, {@code POST …/{id}/change-password}. */
    public record PasswordRequest(String password) {}

    /** {@code POST /api/admin/user/change-password}: the signed-in user's own. */
    public record ChangeMyPasswordRequest(String password, String confirmPassword, String oldPassword) {}

    /** {@code GET /api/admin/user-admin/admin-count}, Unleash's adminCountSchema. */
    public record AdminCount(long password, long noPassword, long service) {}

    public record InactiveUser(long id, String name, String email, String username, Instant seenAt, Instant createdAt,
            Instant patSeenAt) {}

    /** {@code GET /api/admin/user-admin/inactive}, Unleash's inactiveUsersSchema. */
    public record InactiveUsers(int version, List<InactiveUser> inactiveUsers) {}

    /** {@code POST /api/admin/user-admin/inactive/delete}. */
    public record IdsRequest(List<Long> ids) {}

    /** {@code POST /api/admin/user-admin/reset-password}, Unleash's idSchema: the user's email (or username, or id). */
    public record IdRequest(String id) {}

    /** Unleash's resetPasswordSchema: the link that sets the user's password once. */
    public record ResetPasswordLink(@Schema(required = true) String resetPasswordUrl) {

        @Override
        public String toString() {
            return "ResetPasswordLink[…]";
        }
    }

    /**
     * {@code GET /auth/reset/validate}, Unleash's tokenUserSchema: whose password the link sets. {@code token} is the
     * link's token as the caller gave it; {@code createdBy} is the Admin who asked for it (null when the user asked by
     * email). A user without a name or email has none here (left out).
     */
    public record TokenUser(@Schema(required = true) long id, @JsonInclude(JsonInclude.Include.NON_NULL) String name,
            @JsonInclude(JsonInclude.Include.NON_NULL) String email, @Schema(required = true) String token,
            String createdBy, @Schema(required = true) RoleView role) {

        @Override
        public String toString() {
            return "TokenUser[" + id + "]";
        }
    }

    /** {@code POST /auth/reset/password}, Unleash's changePasswordSchema. */
    public record ResetWithTokenRequest(String token, String password) {

        @Override
        public String toString() {
            return "ResetWithTokenRequest[…]";
        }
    }

    /** {@code POST /auth/reset/password-email}, Unleash's emailSchema. */
    public record EmailRequest(String email) {}

    /** {@code POST /invite/{token}/signup}, Unleash's createInvitedUserSchema. */
    public record InvitedUserRequest(String username, String email, String name, String password) {

        @Override
        public String toString() {
            return "InvitedUserRequest[…]";
        }
    }
}
