package dev.flagward.user;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
     * defaults otherwise ({@code isAPI} false, {@code accountType} "User", no sent email). {@code rootRole} is the
     * role's Unleash id (1 Admin, 2 Editor, 3 Viewer), a number as in Unleash's schema. A field without a value (no
     * email, never signed in) is left out rather than sent as null, as Unleash's schema has it: a client generated
     * from that schema refuses null in a string field. Flagward has no profile images or invite links, so
     * {@code imageUrl} and {@code inviteLink} never appear.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserView(@Schema(required = true) long id, String username, String email, String name,
                           @Schema(required = true) int rootRole, @Schema(required = true) Instant createdAt,
                           Instant seenAt, boolean isAPI, String accountType, int loginAttempts, boolean emailSent,
                           String seatType) {
        static UserView of(User user) {
            return new UserView(user.id, user.username, user.email, user.name, UserService.roleId(user.rootRole),
                    user.createdAt, user.seenAt, false, "User", 0, false,
                    "Viewer".equals(user.rootRole) ? "Read-only" : "Regular");
        }
    }

    /** A permission as Unleash sends it in {@code GET /api/admin/user}. */
    public record PermissionView(String permission) {
    }

    public record UserList(List<UserView> users) {
    }

    /**
     * {@code GET /api/admin/user}, Unleash's meSchema. {@code feedback} and {@code splash} are required there: Unleash's
     * UI keeps which feedback prompts and splash screens a user has seen. Flagward has neither, so they are always
     * empty ({@code []} and {@code {}}), which tells such a client there is nothing to show.
     */
    public record CurrentUser(@Schema(required = true) UserView user, @Schema(required = true) List<PermissionView> permissions,
                              @Schema(required = true) List<Feedback> feedback, @Schema(required = true) Map<String, Boolean> splash) {
    }

    /** An entry of {@code feedback} in Unleash's meSchema (its feedbackSchema); Flagward records none. */
    public record Feedback(Long userId, String feedbackId, Boolean neverShow, Instant given) {
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
