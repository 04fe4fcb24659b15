package dev.flagward.user;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of users, sessions and the current user. */
public final class UserApi {

    private UserApi() {
    }

    /** {@code rootRole} is a role name ("Admin", "Editor", "Viewer") or Unleash's role id (1, 2, 3). */
    public record CreateUserRequest(String username, String email, String name, String password, JsonNode rootRole) {
    }

    public record UpdateUserRequest(String name, String email, JsonNode rootRole) {
    }

    /**
     * A user with the fields of Unleash's user schema: real values where Flagward has them, Unleash's neutral
     * defaults otherwise ({@code isAPI} false, {@code accountType} "User", no image, invite link or sent email).
     * {@code rootRole} stays the role's name (Unleash sends a number; Flagward's roles have no numbers).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record UserView(@Schema(required = true) long id, String username, String email, String name,
                           @Schema(required = true) String rootRole, @Schema(required = true) Instant createdAt,
                           Instant seenAt, boolean isAPI, String accountType, String imageUrl, String inviteLink,
                           int loginAttempts, boolean emailSent, String seatType) {
        static UserView of(User user) {
            return new UserView(user.id, user.username, user.email, user.name, user.rootRole, user.createdAt, user.seenAt,
                    false, "User", null, null, 0, false, "Viewer".equals(user.rootRole) ? "Read-only" : "Regular");
        }
    }

    /** A permission as Unleash sends it in {@code GET /api/admin/user}. */
    public record PermissionView(String permission) {
    }

    public record UserList(List<UserView> users) {
    }

    public record CurrentUser(@Schema(required = true) UserView user, @Schema(required = true) List<PermissionView> permissions) {
    }

    public record LoginRequest(String username, String password) {
    }

    /** {@code POST …/validate-password}, {@code POST …/{id}/change-password}. */
    public record PasswordRequest(String password) {
    }

    /** {@code POST /api/admin/user/change-password}: the signed-in user's own. */
    public record ChangeMyPasswordRequest(String password, String confirmPassword, String oldPassword) {
    }

    /** {@code GET /api/admin/user-admin/admin-count}, Unleash's adminCountSchema. */
    public record AdminCount(long password, long noPassword, long service) {
    }

    public record InactiveUser(long id, String name, String email, String username, Instant seenAt, Instant createdAt,
                               Instant patSeenAt) {
    }

    /** {@code GET /api/admin/user-admin/inactive}, Unleash's inactiveUsersSchema. */
    public record InactiveUsers(int version, List<InactiveUser> inactiveUsers) {
    }

    /** {@code POST /api/admin/user-admin/inactive/delete}. */
    public record IdsRequest(List<Long> ids) {
    }
}
