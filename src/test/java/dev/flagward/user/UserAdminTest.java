package dev.flagward.user;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Db;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

@QuarkusTest
class UserAdminTest {

    private static final String USERS = "/api/admin/user-admin";

    @Inject
    Pool pool;

    @Test
    void createReadUpdateDelete() {
        String username = unique("crud");
        long id = json(ADMIN, Map.of("username", username, "email", username + "@example.com", "name", "Crud",
                "password", Users.PASSWORD, "rootRole", "Editor"))
                .post(USERS).then().statusCode(201)
                .extract().jsonPath().getLong("id");
        admin().get(USERS + "/" + id).then().statusCode(200)
                .body("username", is(username)).body("rootRole", is(2)).body("email", is(username + "@example.com"))
                .body("$", not(Matchers.hasKey("password"))).body("$", not(Matchers.hasKey("passwordHash")));
        admin().get(USERS).then().statusCode(200).body("users.username", hasItem(username));

        json(ADMIN, Map.of("name", "Renamed", "rootRole", 3)).put(USERS + "/" + id).then().statusCode(200)
                .body("name", is("Renamed")).body("rootRole", is(3));

        admin().delete(USERS + "/" + id).then().statusCode(200);
        error(admin().get(USERS + "/" + id).then(), 404, "NotFoundError");
        assertNotNull(Db.rows(pool, "select deleted_at from users where id = $1", id).get(0).getOffsetDateTime(0),
                "deleted users are kept, marked deleted");
        error(admin().delete(USERS + "/" + id).then(), 404, "NotFoundError");

        // The events tell the story without the password or its hash.
        String events = admin().get("/api/admin/events?limit=200").then().extract().asString();
        assertTrue(events.contains("\"user-created\"") && events.contains("\"user-updated\"")
                && events.contains("\"user-deleted\""));
        assertFalse(events.contains(Users.PASSWORD));
        assertFalse(events.contains("$2a$") || events.contains("$2b$") || events.contains("$2y$"));
    }

    /**
     * Unleash's user schema: {@code rootRole} is the role's id (1 Admin, 2 Editor, 3 Viewer), and a field without a
     * value is left out, not null (a client generated from that schema refuses null in its string fields). Requests
     * keep taking the role's name (any case) or its id. The same shape in every answer that carries a user.
     */
    @Test
    void usersCarryTheRoleIdAndLeaveOutFieldsWithoutValue() {
        String username = unique("shape");
        var created = json(ADMIN, Map.of("username", username, "rootRole", "editor")).post(USERS);
        created.then().statusCode(201).body("rootRole", is(2)).body("seatType", is("Regular"))
                .body("$", not(Matchers.hasKey("email"))).body("$", not(Matchers.hasKey("name")))
                .body("$", not(Matchers.hasKey("seenAt")));
        long id = created.jsonPath().getLong("id");
        for (String read : List.of(USERS + "/" + id, USERS + "/search?q=" + username)) {
            String body = admin().get(read).then().statusCode(200).extract().asString();
            assertFalse(body.contains("null"), read + ": " + body);
        }
        admin().get(USERS).then().body("users.find { it.id == " + id + " }.rootRole", is(2))
                .body("users.find { it.id == " + id + " }", not(Matchers.hasKey("email")));
        for (Object[] role : new Object[][]{{1, 1}, {"Viewer", 3}, {"ADMIN", 1}, {3, 3}, {2, 2}}) {
            json(ADMIN, Map.of("rootRole", role[0])).put(USERS + "/" + id).then().statusCode(200).body("rootRole",
                    is(role[1]));
        }
        admin().get(USERS + "/" + id).then().body("rootRole", is(2)).body("seatType", is("Regular"));
        error(json(ADMIN, Map.of("rootRole", 4)).put(USERS + "/" + id).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("rootRole", "Owner")).put(USERS + "/" + id).then(), 400, "BadDataError");
        // The event carries the user as the API shows it.
        admin().get("/api/admin/events?type=user-created&limit=50").then().statusCode(200)
                .body("events.find { it.data.username == '" + username + "' }.data.rootRole", is(2))
                .body("events.find { it.data.username == '" + username + "' }.data", not(Matchers.hasKey("email")));
    }

    @Test
    void locationHeaderPointsAtTheUser() {
        String username = unique("loc");
        var response = json(ADMIN, Map.of("username", username, "rootRole", "Viewer")).post(USERS);
        response.then().statusCode(201);
        assertEquals("/api/admin/user-admin/" + response.jsonPath().getLong("id"), response.getHeader("Location"));
    }

    @Test
    void passwordsAreStoredAsBcryptOnly() {
        String username = unique("hash");
        long id = Users.create(username, "Viewer");
        String hash = Db.rows(pool, "select password_hash from users where id = $1", id).get(0).getString(0);
        assertTrue(hash.startsWith("$2"), hash.substring(0, 3));
        assertFalse(hash.contains(Users.PASSWORD));
    }

    @Test
    void invalidUsersAreRefused() {
        Object[][] cases = {
                {Map.of("rootRole", "Admin"), "/body/username"},
                {Map.of("username", unique("u")), "/body/rootRole"},
                {Map.of("username", unique("u"), "rootRole", "Owner"), "/body/rootRole"},
                {Map.of("username", unique("u"), "rootRole", 9), "/body/rootRole"},
                {Map.of("username", "has space", "rootRole", "Viewer"), "/body/username"},
                {Map.of("username", unique("u"), "email", "not-an-email", "rootRole", "Viewer"), "/body/email"},
                {Map.of("username", unique("u"), "password", "short", "rootRole", "Viewer"), "/body/password"},
                {Map.of("username", unique("u"), "password", "x".repeat(73), "rootRole", "Viewer"), "/body/password"},
                {Map.of("username", 42, "rootRole", "Viewer"), "/body/username"},
        };
        long before = Db.count(pool, "select count(*) from users");
        for (Object[] c : cases) {
            error(json(ADMIN, c[0]).post(USERS).then(), 400, "BadDataError")
                    .body("details.path", hasItem((String) c[1]));
        }
        assertEquals(before, Db.count(pool, "select count(*) from users"));
        error(admin().get(USERS + "/99999999999999999999").then(), 400, "BadDataError");
        error(admin().get(USERS + "/999999999").then(), 404, "NotFoundError");
        error(json(ADMIN, Map.of("rootRole", "Boss")).put(USERS + "/1").then(), 400, "BadDataError");
    }

    /**
     * Unleash's paths Flagward lacks under /user-admin are unknown paths, not user ids: 404 (after authentication, as
     * every unknown path under /api), for any name and method, while a number that is no valid id stays 400.
     */
    @Test
    void pathsThatAreNoUserIdAreNotFound() {
        String[][] missing = {{"GET", "/groups"}, {"DELETE", "/scim-users"}, {"GET", "/abc"}, {"PUT", "/roles"},
                {"DELETE", "/1.5"}, {"POST", "/abc/change-password"}, {"GET", "/groups/"}, {"DELETE", "/access"}};
        String viewer = Users.withRole("Viewer").pat();
        for (String[] call : missing) {
            error(admin().request(call[0], USERS + call[1]).then(), 404, "NotFoundError")
                    .body("message", not(Matchers.containsString("whole number")));
            error(as(null).request(call[0], USERS + call[1]).then(), 401, "AuthenticationRequired");
            error(as(viewer).request(call[0], USERS + call[1]).then(), 404, "NotFoundError");
        }
        for (String id : List.of("0", "-1", "99999999999999999999")) {
            error(admin().get(USERS + "/" + id).then(), 400, "BadDataError").body("details[0].path", is("/params/id"));
            error(admin().delete(USERS + "/" + id).then(), 400, "BadDataError");
            error(json(ADMIN, Map.of("password", "Str0ng-enough!")).post(USERS + "/" + id + "/change-password").then(),
                    400, "BadDataError");
        }
        // The named routes beside {id} still answer.
        admin().get(USERS + "/admin-count").then().statusCode(200);
        admin().get(USERS + "/inactive").then().statusCode(200).body("version", is(1));
        admin().get(USERS + "/search?q=admin").then().statusCode(200);
        admin().get(USERS + "/access").then().statusCode(200);
        admin().get(USERS + "/1").then().statusCode(200).body("id", is(1));
    }

    @Test
    void usernamesAndEmailsAreUniqueAmongLiveUsers() {
        String username = unique("dup");
        long id = Users.create(username, "Viewer");
        error(json(ADMIN, Map.of("username", username.toUpperCase(), "rootRole", "Viewer")).post(USERS).then(), 409,
                "NameExistsError");
        error(json(ADMIN, Map.of("email", username + "@EXAMPLE.com", "rootRole", "Viewer")).post(USERS).then(), 409,
                "NameExistsError");
        admin().delete(USERS + "/" + id).then().statusCode(200);
        // Once deleted, the name is free again.
        Users.create(username, "Viewer");
    }

    @Test
    void onlyAdminsManageUsers() {
        var editor = Users.withRole("Editor");
        var viewer = Users.withRole("Viewer");
        Map<String, Object> body = new HashMap<>(Map.of("username", unique("x"), "rootRole", "Viewer"));
        for (String pat : List.of(editor.pat(), viewer.pat())) {
            error(as(pat).get(USERS).then(), 403, "PermissionError").body("permissions", hasItem("ADMIN"));
            error(json(pat, body).post(USERS).then(), 403, "PermissionError");
            error(as(pat).delete(USERS + "/" + editor.id()).then(), 403, "PermissionError");
        }
        var admin = Users.withRole("Admin");
        as(admin.pat()).get(USERS).then().statusCode(200);
    }

    @Test
    void currentUserIsTheCaller() {
        var viewer = Users.withRole("Viewer");
        as(viewer.pat()).get("/api/admin/user").then().statusCode(200)
                .body("user.username", is(viewer.username())).body("user.rootRole", is(3))
                .body("permissions.permission", hasItem("READ"))
                // Unleash's user schema: real values where Flagward has them, Unleash's neutral defaults otherwise,
                // and nothing for what Flagward does not have (no profile image, no invite link).
                .body("user.isAPI", is(false)).body("user.accountType", is("User"))
                .body("user.seatType", is("Read-only"))
                .body("user.loginAttempts", is(0)).body("user", not(Matchers.hasKey("imageUrl")))
                .body("user", not(Matchers.hasKey("inviteLink"))).body("user.emailSent", is(false))
                // Unleash's meSchema requires both: Flagward has no feedback prompts or splash screens to report.
                .body("feedback", Matchers.empty()).body("splash", is(Map.of()));
        RestAssured.given().cookie("unleash-session", viewer.cookie()).get("/api/admin/user").then()
                .statusCode(200).body("user.id", is((int) viewer.id()));
        error(as(ADMIN).get("/api/admin/user").then(), 403, "ForbiddenError");
        error(as(null).get("/api/admin/user").then(), 401, "AuthenticationRequired");
    }

    @Test
    void roleChangesApplyToExistingCredentialsAtOnce() {
        var user = Users.withRole("Editor");
        as(user.pat()).get("/api/admin/api-tokens").then().statusCode(200);
        json(ADMIN, Map.of("rootRole", "Viewer")).put(USERS + "/" + user.id()).then().statusCode(200);
        error(as(user.pat()).get("/api/admin/api-tokens").then(), 403, "PermissionError");
        RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/api-tokens").then()
                .statusCode(403);
        as(user.pat()).get("/api/admin/user").then().statusCode(200).body("user.rootRole", is(3));
    }

    @Test
    void deletingAUserStopsTheirPatAndSessionAtOnce() {
        var user = Users.withRole("Editor");
        as(user.pat()).get("/api/admin/api-tokens").then().statusCode(200);
        admin().delete(USERS + "/" + user.id()).then().statusCode(200);
        error(as(user.pat()).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError");
        error(as("Bearer " + user.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user").then()
                .statusCode(401);
        assertEquals(0, Db.count(pool, "select count(*) from sessions where user_id = $1", user.id()));
        // Nor can they sign in again.
        error(json(null, Map.of("username", user.username(), "password", Users.PASSWORD)).post("/auth/simple/login")
                .then(),
                401, "UnauthorizedError");
    }

    @Test
    void initialAdminExistsAndCanSignIn() {
        Users.login("admin", "test-admin-password");
        admin().get(USERS).then().body("users.find { it.username == 'admin' }.rootRole", is(1))
                .body("users.find { it.username == 'admin' }.seenAt", not(nullValue()));
    }
}
