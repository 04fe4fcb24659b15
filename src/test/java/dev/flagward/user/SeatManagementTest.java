package dev.flagward.user;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Db;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Unleash's seat-management endpoints under /api/admin/user-admin and the signed-in user's password change. */
@QuarkusTest
class SeatManagementTest {

    private static final String USERS = "/api/admin/user-admin";
    private static final String STRONG = "Str0ng-enough!";

    @Inject
    Pool pool;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void searchFindsLiveUsersByNameEmailOrUsername() {
        String tag = unique("seek").replace("-", "");
        long alice = Users.create(tag + "alice", "Viewer");
        long bob = Users.create(tag + "bob", "Editor");
        admin().get(USERS + "/search?q=" + tag.toUpperCase()).then().statusCode(200)
                .body("id", Matchers.containsInAnyOrder((int) alice, (int) bob));
        admin().get(USERS + "/search?q=" + tag + "bo").then().body("id", contains((int) bob));
        admin().get(USERS + "/search?q=a").then().statusCode(200).body("$", empty());
        admin().get(USERS + "/search?q=%25").then().statusCode(200).body("$", empty());
        admin().delete(USERS + "/" + bob).then().statusCode(200);
        admin().get(USERS + "/search?q=" + tag).then().body("id", contains((int) alice));
        error(as(Users.withRole("Editor").pat()).get(USERS + "/search?q=" + tag).then(), 403, "PermissionError");
    }

    @Test
    void aSearchMatchingMoreThan100UsersAnswersTheFirst100ById() {
        String tag = unique("many").replace("-", "");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            ids.add(json(ADMIN, Map.of("username", tag + i, "rootRole", "Viewer")).post(USERS).then().statusCode(201)
                    .extract().jsonPath().getLong("id"));
        }
        try {
            List<Long> found = admin().get(USERS + "/search?q=" + tag).then().statusCode(200).extract().jsonPath()
                    .getList("id", Long.class);
            assertEquals(ids.subList(0, 100), found);
        } finally {
            // Viewers count under the license while they live: leave none behind for the tests after this one.
            ids.forEach(id -> admin().delete(USERS + "/" + id).then().statusCode(200));
        }
    }

    @Test
    void adminCountSaysWhoCanSignIn() {
        int withPassword = admin().get(USERS + "/admin-count").then().statusCode(200).extract().path("password");
        int without = admin().get(USERS + "/admin-count").then().extract().path("noPassword");
        json(ADMIN, Map.of("username", unique("sso"), "rootRole", "Admin")).post(USERS).then().statusCode(201);
        Users.create(unique("pw"), "Admin");
        admin().get(USERS + "/admin-count").then().body("password", is(withPassword + 1))
                .body("noPassword", is(without + 1)).body("service", is(0));
    }

    @Test
    void inactiveUsersAreListedAndOnlyTheyAreDeleted() {
        Users.TestUser stale = Users.withRole("Viewer");
        Users.TestUser patOnly = Users.withRole("Viewer");
        Users.TestUser active = Users.withRole("Viewer");
        Db.rows(pool,
                "update users set seen_at = now() - interval '200 days', created_at = now() - interval '300 days' "
                        + "where id in ($1, $2)",
                stale.id(), patOnly.id());
        Db.rows(pool, "update personal_access_tokens set seen_at = null where user_id = $1", stale.id());
        Db.rows(pool, "update personal_access_tokens set seen_at = now() - interval '3 days' where user_id = $1",
                patOnly.id());

        var inactive = admin().get(USERS + "/inactive").then().statusCode(200).body("version", is(1)).extract()
                .jsonPath();
        List<Integer> ids = inactive.getList("inactiveUsers.id");
        assertTrue(ids.contains((int) stale.id()), ids.toString());
        assertFalse(ids.contains((int) patOnly.id()), "a PAT used 3 days ago keeps a user active");
        assertFalse(ids.contains((int) active.id()));
        assertEquals(stale.username(),
                inactive.getString("inactiveUsers.find { it.id == " + stale.id() + " }.username"));

        long viewers = Db.count(pool, "select count(*) from users where root_role = 'Viewer' and deleted_at is null");
        json(ADMIN, Map.of("ids", List.of(stale.id(), active.id()))).post(USERS + "/inactive/delete").then()
                .statusCode(200);
        // Only the inactive one is gone, at once: its PAT stops, and the read-only seat count drops.
        error(as(stale.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        as(active.pat()).get("/api/admin/user").then().statusCode(200);
        assertEquals(viewers - 1,
                Db.count(pool, "select count(*) from users where root_role = 'Viewer' and deleted_at is null"));
        admin().get("/api/admin/instance-admin/statistics").then().body("readOnlyUsers", is((int) viewers - 1));
        admin().get(USERS + "/inactive").then().body("inactiveUsers.id", not(hasItem((int) stale.id())));
        assertTrue(admin().get("/api/admin/events?type=user-deleted&limit=1").asString().contains(stale.username()));

        error(json(ADMIN, Map.of()).post(USERS + "/inactive/delete").then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("ids", List.of(-1))).post(USERS + "/inactive/delete").then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("ids", "x")).post(USERS + "/inactive/delete").then(), 400, "BadDataError");
        error(json(Users.withRole("Editor").pat(), Map.of("ids", List.of(1))).post(USERS + "/inactive/delete").then(),
                403, "PermissionError");
    }

    @Test
    void validatePasswordGivesEveryReason() {
        var weak = error(json(ADMIN, Map.of("password", "short")).post(USERS + "/validate-password").then(), 400,
                "BadDataError")
                .extract().jsonPath();
        List<String> reasons = weak.getList("details.message");
        assertTrue(reasons.size() >= 4, reasons.toString()); // length, uppercase, number, special character
        assertTrue(reasons.stream().anyMatch(r -> r.contains("uppercase")), reasons.toString());
        json(ADMIN, Map.of("password", STRONG)).post(USERS + "/validate-password").then().statusCode(200);
        json(Users.withRole("Viewer").pat(), Map.of("password", STRONG)).post(USERS + "/validate-password").then()
                .statusCode(200);
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("password", STRONG))
                .post(USERS + "/validate-password").then(), 401, "AuthenticationRequired");
        error(json(ADMIN, Map.of()).post(USERS + "/validate-password").then(), 400, "BadDataError");
    }

    @Test
    void anAdminChangesAPasswordAndTheUsersSessionsEnd() {
        Users.TestUser user = Users.withRole("Editor");
        error(json(ADMIN, Map.of("password", "weakweakweak")).post(USERS + "/" + user.id() + "/change-password").then(),
                400, "BadDataError");
        error(json(ADMIN, Map.of("password", STRONG)).post(USERS + "/999999999/change-password").then(), 404,
                "NotFoundError");
        json(ADMIN, Map.of("password", STRONG)).post(USERS + "/" + user.id() + "/change-password").then()
                .statusCode(200);
        error(RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user").then(), 401,
                "UnauthorizedError");
        as(user.pat()).get("/api/admin/user").then().statusCode(200); // PATs are not sessions
        Users.login(user.username(), STRONG);
        RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", Users.PASSWORD))
                .post("/auth/simple/login").then().statusCode(401);
        String events = admin().get("/api/admin/events?type=user-password-changed&limit=1").asString();
        assertTrue(events.contains(String.valueOf(user.id())));
        assertFalse(events.contains(STRONG));
        error(json(Users.withRole("Editor").pat(), Map.of("password", STRONG))
                .post(USERS + "/" + user.id() + "/change-password")
                .then(), 403, "PermissionError");
    }

    @Test
    void youChangeYourOwnPasswordWithTheCurrentOne() {
        Users.TestUser user = Users.withRole("Viewer");
        String other = Users.login(user.username(), Users.PASSWORD);
        var mine = RestAssured.given().cookie("unleash-session", user.cookie()).contentType(ContentType.JSON);
        error(RestAssured.given().cookie("unleash-session", user.cookie()).contentType(ContentType.JSON)
                .body(Map.of("password", STRONG, "confirmPassword", STRONG, "oldPassword", "not-it"))
                .post("/api/admin/user/change-password").then(), 400, "BadDataError");
        error(RestAssured.given().cookie("unleash-session", user.cookie()).contentType(ContentType.JSON)
                .body(Map.of("password", STRONG, "confirmPassword", STRONG + "x", "oldPassword", Users.PASSWORD))
                .post("/api/admin/user/change-password").then(), 400, "BadDataError");
        error(RestAssured.given().cookie("unleash-session", user.cookie()).contentType(ContentType.JSON)
                .body(Map.of("password", STRONG))
                .post("/api/admin/user/change-password").then(), 400, "BadDataError");
        mine.body(Map.of("password", STRONG, "confirmPassword", STRONG, "oldPassword", Users.PASSWORD))
                .post("/api/admin/user/change-password").then().statusCode(200);
        // This session stays; the user's other session ends; the PAT is not a session.
        RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user").then().statusCode(200);
        error(RestAssured.given().cookie("unleash-session", other).get("/api/admin/user").then(), 401,
                "UnauthorizedError");
        as(user.pat()).get("/api/admin/user").then().statusCode(200);
        Users.login(user.username(), STRONG);
        error(as(ADMIN).contentType(ContentType.JSON).body(Map.of("password", STRONG, "oldPassword", "x"))
                .post("/api/admin/user/change-password").then(), 403, "ForbiddenError");
    }

    @Test
    void checksOfTheCurrentPasswordAreRateLimitedPerUserLikeSignIn() {
        Users.TestUser user = Users.withRole("Viewer");
        Users.TestUser other = Users.withRole("Viewer");
        Map<String, String> wrong = Map.of("password", STRONG, "confirmPassword", STRONG, "oldPassword",
                "a-wrong-guess");
        Map<String, String> right = Map.of("password", STRONG, "confirmPassword", STRONG, "oldPassword",
                Users.PASSWORD);
        // Time stands still, so no attempt comes back while the test runs.
        Instant start = Instant.now();
        clock.freezeAt(start);
        // flagward.users.login-attempts-per-minute (10), as for signing in; a PAT is all it takes to try.
        for (int i = 0; i < 10; i++) {
            error(json(user.pat(), wrong).post("/api/admin/user/change-password").then(), 400, "BadDataError");
        }
        error(json(user.pat(), wrong).post("/api/admin/user/change-password").then(), 429, "RateLimitError")
                .header("Retry-After", matchesPattern("[1-9][0-9]?"));
        // The right password is refused too: a 200 among the 429s would confirm a guess.
        error(json(user.pat(), right).post("/api/admin/user/change-password").then(), 429, "RateLimitError");
        error(RestAssured.given().cookie("unleash-session", user.cookie()).contentType(ContentType.JSON).body(right)
                .post("/api/admin/user/change-password").then(), 429, "RateLimitError");
        Users.login(user.username(), Users.PASSWORD); // unchanged
        // Per user: another user's checks are their own.
        error(json(other.pat(), wrong).post("/api/admin/user/change-password").then(), 400, "BadDataError");

        // A minute later the budget is back.
        clock.freezeAt(start.plus(Duration.ofMinutes(1)));
        json(user.pat(), right).post("/api/admin/user/change-password").then().statusCode(200);
        Users.login(user.username(), STRONG);
    }
}
