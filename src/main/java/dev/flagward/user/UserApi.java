package dev.flagward.user;

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

    public record UserView(long id, String username, String email, String name, String rootRole, Instant createdAt,
                           Instant seenAt) {
        static UserView of(User user) {
            return new UserView(user.id, user.username, user.email, user.name, user.rootRole, user.createdAt, user.seenAt);
        }
    }

    public record UserList(List<UserView> users) {
    }

    public record CurrentUser(UserView user, List<String> permissions) {
    }

    public record LoginRequest(String username, String password) {
    }
}
