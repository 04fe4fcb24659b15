package dev.flagward.user;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.instance.LoginHistory;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@QuarkusTest
class LoginTest {

    private static final String LOGIN = "/auth/simple/login";

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    LoginHistory history;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static Response login(String username, String password) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post(LOGIN);
    }

    @Test
    void signInSetsAnHttpOnlySessionCookieThatWorksUntilSignOut() {
        String username = unique("login");
        Users.create(username, "Editor");
        Response response = login(username, Users.PASSWORD);
        response.then().statusCode(200).body("username", is(username)).body("rootRole", is(2));
        String setCookie = response.getHeader("Set-Cookie");
        assertTrue(setCookie.startsWith("unleash-session=session_v2_"), setCookie.substring(0, 20));
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=lax"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        assertFalse(setCookie.contains("Secure"), "Secure only when configured");
        String cookie = response.getCookie("unleash-session");

        // The session works on the next request, and is stored hashed.
        RestAssured.given().cookie("unleash-session", cookie).get("/api/admin/api-tokens").then().statusCode(200);
        Db.assertSecretNotStored(pool, "sessions", cookie);
        Assertions.assertArrayEquals(CredentialFormat.verifier(cookie),
                Db.rows(pool, "select verifier from sessions where selector = $1", cookie.substring(11, 33)).get(0)
                        .getBuffer("verifier").getBytes());
        assertEquals(1, Db.count(pool, "select count(*) from sessions where selector = $1", cookie.substring(11, 33)));

        // Signing out ends it at once.
        RestAssured.given().cookie("unleash-session", cookie).post("/logout").then().statusCode(200)
                .header("Set-Cookie", containsString("Max-Age=0"));
        error(RestAssured.given().cookie("unleash-session", cookie).get("/api/admin/api-tokens").then(), 401,
                "UnauthorizedError");
        assertEquals(0, Db.count(pool, "select count(*) from sessions where selector = $1", cookie.substring(11, 33)));
    }

    @Test
    void signInByEmailToo() {
        String username = unique("mail");
        Users.create(username, "Viewer");
        login(username + "@example.com", Users.PASSWORD).then().statusCode(200).body("username", is(username));
    }

    @Test
    void unknownUserAndWrongPasswordLookTheSameAndAreBothRecorded() {
        String username = unique("victim");
        Users.create(username, "Viewer");
        String wrong = error(login(username, "not-the-password").then(), 401, "UnauthorizedError").extract()
                .path("message");
        String unknown = error(login(unique("nobody"), "whatever-password").then(), 401, "UnauthorizedError").extract()
                .path("message");
        assertEquals(wrong, unknown);
        login(username, Users.PASSWORD).then().statusCode(200);

        var rows = Db.rows(pool,
                "select successful, failure_reason, auth_type, ip from login_events where username = $1 order by id",
                username);
        assertEquals(2, rows.size());
        assertFalse(rows.get(0).getBoolean("successful"));
        assertEquals("Wrong password", rows.get(0).getString("failure_reason"));
        assertTrue(rows.get(1).getBoolean("successful"));
        assertEquals("simple", rows.get(1).getString("auth_type"));
        assertNotNull(rows.get(1).getString("ip"));
    }

    @Test
    void sessionsExpire() {
        String username = unique("expiry");
        Users.create(username, "Viewer");
        String cookie = Users.login(username, Users.PASSWORD);
        RestAssured.given().cookie("unleash-session", cookie).get("/api/admin/user").then().statusCode(200);
        clock.advance(Duration.ofHours(49));
        RestAssured.given().cookie("unleash-session", cookie).get("/api/admin/user").then().statusCode(401);
    }

    @Test
    void aSessionCookieCannotBeUsedAsAHeaderNorATokenAsACookie() {
        String username = unique("kinds");
        Users.create(username, "Admin");
        String cookie = Users.login(username, Users.PASSWORD);
        error(RestAssured.given().header("Authorization", cookie).get("/api/admin/user").then(), 401,
                "UnauthorizedError");
        error(RestAssured.given().cookie("unleash-session", "*:*.test-admin-secret").get("/api/admin/api-tokens")
                .then(),
                401, "UnauthorizedError");
    }

    @Test
    void tenAttemptsPerMinutePerUsernameAndAddress() {
        String username = unique("brute");
        Users.create(username, "Viewer");
        for (int i = 0; i < 10; i++) {
            login(username, "guess-" + i).then().statusCode(401);
        }
        Response limited = login(username, Users.PASSWORD);
        error(limited.then(), 429, "RateLimitError");
        int retryAfter = Integer.parseInt(limited.getHeader("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        // Another username from the same address is not affected.
        String other = unique("bystander");
        Users.create(other, "Viewer");
        login(other, Users.PASSWORD).then().statusCode(200);
        assertEquals(1, Db.count(pool,
                "select count(*) from login_events where username = $1 and failure_reason = 'Too many attempts'",
                username));
    }

    @Test
    void badLoginBodies() {
        error(json(null, Map.of("username", "x")).post(LOGIN).then(), 400, "BadDataError");
        error(json(null, Map.of("password", "x")).post(LOGIN).then(), 400, "BadDataError");
        error(json(null, Map.of("username", 1, "password", "x")).post(LOGIN).then(), 400, "BadDataError");
        error(RestAssured.given().contentType(ContentType.TEXT).body("username=a&password=b").post(LOGIN).then(), 415,
                "ContentTypeError");
        error(RestAssured.given().contentType(ContentType.JSON).body("{").post(LOGIN).then(), 400, "BadDataError");
    }

    @Test
    void loginHistoryAsJsonAndCsv() throws Exception {
        Licenses.installGenerous();
        String username = unique("history");
        Users.create(username, "Viewer");
        login(username, "wrong-password-1").then().statusCode(401);
        login(username, Users.PASSWORD).then().statusCode(200);
        login("=HYPERLINK(\"evil\")", "x").then().statusCode(401);

        admin().get("/api/admin/logins").then().statusCode(200)
                .body("events[0].username", is("=HYPERLINK(\"evil\")"))
                .body("events.find { it.username == '" + username + "' && it.successful }.auth_type", is("simple"))
                .body("events.find { it.username == '" + username + "' && !it.successful }.failure_reason",
                        is("Wrong password"));

        Response csv = admin().accept("text/csv").get("/api/admin/logins");
        csv.then().statusCode(200).contentType(containsString("text/csv"));
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.asString()))) {
            assertEquals(List.of("id", "username", "auth_type", "created_at", "successful", "ip", "failure_reason"),
                    parser.getHeaderNames());
            List<CSVRecord> records = parser.getRecords();
            assertTrue(records.stream()
                    .anyMatch(r -> r.get("username").equals(username) && r.get("successful").equals("true")));
            assertTrue(records.stream()
                    .anyMatch(r -> r.get("username").equals(username) && r.get("successful").equals("false")
                            && r.get("failure_reason").equals("Wrong password")));
            // A formula typed as a username is made inert for spreadsheets.
            assertTrue(records.stream().anyMatch(r -> r.get("username").equals("'=HYPERLINK(\"evil\")")));
        }
        String body = csv.asString() + admin().get("/api/admin/logins").asString();
        assertFalse(body.contains(Users.PASSWORD) || body.contains("wrong-password-1"));
    }

    @Test
    void loginHistoryIsPurgedAfterItsRetention() throws Throwable {
        String username = unique("old");
        login(username, "whatever-password").then().statusCode(401);
        clock.advance(Duration.ofDays(13));
        VertxContextSupport.subscribeAndAwait(() -> history.purgeNow());
        assertEquals(1, Db.count(pool, "select count(*) from login_events where username = $1", username),
                "kept within 14 days");
        clock.advance(Duration.ofDays(2));
        VertxContextSupport.subscribeAndAwait(() -> history.purgeNow());
        assertEquals(0, Db.count(pool, "select count(*) from login_events where username = $1", username),
                "purged after 14 days");
    }
}
