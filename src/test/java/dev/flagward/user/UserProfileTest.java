package dev.flagward.user;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Db;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** The signed-in user's profile and roles, and the users anyone signed in may pick from (Unleash's operations). */
@QuarkusTest
class UserProfileTest {

    private static final String PROFILE = "/api/admin/user/profile";
    private static final String ROLES = "/api/admin/user/roles";
    private static final String ACCESS = "/api/admin/user-admin/access";

    @Inject
    Pool pool;

    @Test
    void theProfileSaysTheRootRoleAndWhetherThereIsAPasswordToChange() {
        for (var role : List.of(Map.entry("Admin", 1), Map.entry("Editor", 2), Map.entry("Viewer", 3))) {
            var user = Users.withRole(role.getKey());
            as(user.pat()).get(PROFILE).then().statusCode(200)
                    .body("rootRole.id", is(role.getValue()))
                    .body("rootRole.name", is(role.getKey()))
                    .body("rootRole.type", is("root"))
                    .body("rootRole.description", notNullValue())
                    .body("projects", empty())
                    .body("groups", empty())
                    .body("features", empty())
                    .body("subscriptions", empty())
                    .body("canChangePassword", is(true));
            RestAssured.given().cookie("unleash-session", user.cookie()).get(PROFILE).then().statusCode(200)
                    .body("rootRole.name", is(role.getKey()));
        }
        // What the user is now: a new role, no password of their own.
        var user = Users.withRole("Viewer");
        json(ADMIN, Map.of("rootRole", "Editor")).put("/api/admin/user-admin/" + user.id()).then().statusCode(200);
        Db.rows(pool, "update users set password_hash = null where id = $1", user.id());
        as(user.pat()).get(PROFILE).then().statusCode(200)
                .body("rootRole.name", is("Editor"))
                .body("canChangePassword", is(false));
    }

    @Test
    void onlyUsersHaveAProfileAndRoles() {
        for (String path : List.of(PROFILE, ROLES + "?projectId=default")) {
            error(as(null).get(path).then(), 401, "AuthenticationRequired");
            error(as("user:v2_notarealselectorxxxxx_nope").get(path).then(), 401, "UnauthorizedError");
            // An API token is not a user (Unleash answers 400 "User id is missing"; Flagward as on its other user endpoints).
            error(admin().get(path).then(), 403, "ForbiddenError");
            error(as(createSecret(Map.of())).get(path).then(), 403, "ForbiddenError");
        }
    }

    @Test
    void rolesInAProjectAreTheRootRoleWhichDecidesEverywhere() {
        var viewer = Users.withRole("Viewer");
        as(viewer.pat()).get(ROLES + "?projectId=default").then().statusCode(200)
                .body("version", is(1))
                .body("roles.id", contains(3))
                .body("roles[0].name", is("Viewer"))
                .body("roles[0].type", is("root"));
        var admin = Users.withRole("Admin");
        as(admin.pat()).get(ROLES + "?projectId=default").then().statusCode(200).body("roles.name", contains("Admin"));
        // As Unleash: the project is required (400); unlike Unleash, one that does not exist is 404.
        error(as(viewer.pat()).get(ROLES).then(), 400, "BadDataError").body("details[0].path", is("/query/projectId"));
        error(as(viewer.pat()).get(ROLES + "?projectId=").then(), 400, "BadDataError");
        error(as(viewer.pat()).get(ROLES + "?projectId=no-such-project").then(), 404, "NotFoundError");
        error(as(viewer.pat()).get(ROLES + "?projectId=%27%3B--").then(), 404, "NotFoundError");
    }

    @Test
    void anyoneSignedInSeesWhoTheUsersAreButNotMore() {
        String username = unique("picked");
        long id = Users.create(username, "Admin");
        long noEmail = json(ADMIN, Map.of("username", unique("plain"), "rootRole", "Viewer"))
                .post("/api/admin/user-admin").then()
                .statusCode(201).extract().jsonPath().getLong("id");
        long deleted = Users.create(unique("gone"), "Viewer");
        admin().delete("/api/admin/user-admin/" + deleted).then().statusCode(200);
        var viewer = Users.withRole("Viewer");
        var editor = Users.withRole("Editor");
        for (var caller : List.of(as(viewer.pat()), as(editor.pat()), admin(),
                RestAssured.given().cookie("unleash-session", viewer.cookie()))) {
            String body = caller.get(ACCESS).then().statusCode(200)
                    .body("groups", empty())
                    .body("users.id", hasItem((int) id))
                    .body("users.id", not(hasItem((int) deleted)))
                    .body("users.find { it.id == " + id + " }.username", is(username))
                    .body("users.find { it.id == " + id + " }.email", is(username + "@example.com"))
                    .body("users.find { it.id == " + id + " }.name", is("Test " + username))
                    .body("users.find { it.id == " + id + " }.accountType", is("User"))
                    .body("users.find { it.id == " + noEmail + " }.email", nullValue())
                    .extract().asString();
            // Names only: no roles, no sign-in times, nothing about passwords.
            for (String hidden : List.of("rootRole", "password", "seenAt", "createdAt", "loginAttempts")) {
                assertFalse(body.contains(hidden), hidden);
            }
        }
        // Newest first, as the user list (other tests' users may carry later clocks, so only the order of these two).
        List<Integer> ids = as(viewer.pat()).get(ACCESS).then().extract().jsonPath().getList("users.id", Integer.class);
        assertTrue(ids.contains((int) viewer.id()) && ids.indexOf((int) editor.id()) >= 0
                && ids.indexOf((int) editor.id()) < ids.indexOf((int) viewer.id()), "newest first: " + ids);
        error(as(null).get(ACCESS).then(), 401, "AuthenticationRequired");
        error(as(createSecret(Map.of("type", "frontend"))).get(ACCESS).then(), 403, "ForbiddenError");
        // Still no other path under user-admin is a user id.
        error(admin().get("/api/admin/user-admin/scim-users").then(), 404, "NotFoundError");
    }
}
