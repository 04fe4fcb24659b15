package dev.flagward.user;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.tampered;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import dev.flagward.support.LogCapture;
import dev.flagward.support.MailServer;
import dev.flagward.support.Mails;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Password reset (Unleash's resetUserPassword and /auth/reset): links that work once and expire, stored hashed, mailed
 * to a real SMTP server, and a reset that ends the user's sessions.
 */
@QuarkusTest
class PasswordResetTest {

    private static final String RESET = "/api/admin/user-admin/reset-password";
    private static final String NEW_PASSWORD = "N3w-password-for-me!";

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    PasswordResetService resets;
    @MailServer.Inbox
    GreenMail mail;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String email(Users.TestUser user) {
        return user.username() + "@example.com";
    }

    private static String linkFor(String id) {
        return json(ADMIN, Map.of("id", id)).post(RESET).then().statusCode(200)
                .body("resetPasswordUrl", startsWith("http://flagward.test/reset-password?token=reset_v2_"))
                .extract().path("resetPasswordUrl");
    }

    private static String tokenOf(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    private static Response setPassword(String token, String password) {
        return RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", token, "password", password))
                .post("/auth/reset/password");
    }

    @Test
    void anAdminsLinkIsMailedAndSetsThePasswordOnceAndEndsEverySession() {
        Users.TestUser user = Users.withRole("Editor");
        String otherSession = Users.login(user.username(), Users.PASSWORD);
        try (LogCapture logs = LogCapture.start()) {
            String link = linkFor(email(user));
            String token = tokenOf(link);

            // The mail holds the link and no other secret: one credential-shaped string, the link's.
            String received = Mails.await(mail, email(user), 1);
            assertTrue(received.startsWith("Flagward: reset your password"), received);
            assertTrue(received.contains(link), "the mail holds the link");
            assertEquals(1, received.split("v2_", -1).length - 1, "only the link's token is in the mail");
            assertFalse(received.contains("$2"), "no password hash");

            // Whose password it sets (Unleash's tokenUserSchema), without using it up.
            for (int i = 0; i < 2; i++) {
                RestAssured.given().queryParam("token", token).get("/auth/reset/validate").then().statusCode(200)
                        .body("id", is((int) user.id())).body("email", is(email(user))).body("token", is(token))
                        .body("createdBy", is("admin")).body("role.id", is(2)).body("role.name", is("Editor"))
                        .body("role.type", is("root"));
            }

            setPassword(token, NEW_PASSWORD).then().statusCode(200);
            // Every session of the user has ended (on every replica: their rows are gone); the PAT stays, as in Unleash.
            error(RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user").then(), 401,
                    "UnauthorizedError");
            error(RestAssured.given().cookie("unleash-session", otherSession).get("/api/admin/user").then(), 401,
                    "UnauthorizedError");
            assertEquals(0, Db.count(pool, "select count(*) from sessions where user_id = $1", user.id()));
            as(user.pat()).get("/api/admin/user").then().statusCode(200);
            RestAssured.given().contentType(ContentType.JSON)
                    .body(Map.of("username", user.username(), "password", Users.PASSWORD))
                    .post("/auth/simple/login").then().statusCode(401);
            Users.login(user.username(), NEW_PASSWORD);

            // Once: the link is used up, for validation too.
            error(setPassword(token, "An0ther-password!").then(), 401, "UnauthorizedError");
            error(RestAssured.given().queryParam("token", token).get("/auth/reset/validate").then(), 401,
                    "UnauthorizedError");
            Users.login(user.username(), NEW_PASSWORD);

            // The change is in the audit trail, without the secret; the secret is in no table and no log line.
            assertEquals(1, Db.count(pool, "select count(*) from events where type = 'password-reset-link-created' "
                    + "and (data->>'userId')::bigint = $1", user.id()));
            assertEquals(1, Db.count(pool, "select count(*) from events where type = 'user-password-changed' "
                    + "and data->>'via' = 'reset-link' and (data->>'userId')::bigint = $1", user.id()));
            Db.assertSecretNotStoredAnywhere(pool, token);
            logs.assertNoneContains(token, token.substring(token.indexOf("v2_") + 26, token.length() - 6));
        }
    }

    @Test
    void linksExpireAndANewerLinkOrAPasswordChangeEndsTheOlderOnes() {
        Users.TestUser user = Users.withRole("Viewer");
        String first = tokenOf(linkFor(user.username()));
        String second = tokenOf(linkFor(String.valueOf(user.id())));
        error(setPassword(first, NEW_PASSWORD).then(), 401, "UnauthorizedError");
        RestAssured.given().queryParam("token", second).get("/auth/reset/validate").then().statusCode(200);

        // An Admin setting the password ends the link too.
        json(ADMIN, Map.of("password", "Set-by-admin-1"))
                .post("/api/admin/user-admin/" + user.id() + "/change-password")
                .then().statusCode(200);
        error(setPassword(second, NEW_PASSWORD).then(), 401, "UnauthorizedError");

        // 24 hours by default (flagward.users.reset-token-ttl); then it is refused. (Expiry is set in the row rather than
        // by moving the clock: a clock moved forward and back would stall this address's rate-limit bucket.)
        String third = tokenOf(linkFor(email(user)));
        String selector = CredentialFormat.parse(third).selector();
        assertEquals(1, Db.count(pool, "select count(*) from password_reset_tokens where selector = $1 "
                + "and expires_at - created_at = interval '24 hours'", selector));
        Db.rows(pool,
                "update password_reset_tokens set expires_at = now() - interval '1 millisecond' where selector = $1",
                selector);
        error(RestAssured.given().queryParam("token", third).get("/auth/reset/validate").then(), 401,
                "UnauthorizedError");
        error(setPassword(third, NEW_PASSWORD).then(), 401, "UnauthorizedError");
        // The hourly purge removes links past their expiry (this one, and the two ended above).
        resets.purgeExpired().await().atMost(Duration.ofSeconds(10));
        assertEquals(0, Db.count(pool, "select count(*) from password_reset_tokens where user_id = $1", user.id()));

        // A changed email ends the links sent to the old address (whoever still reads it must not set the password);
        // a change of name alone does not.
        String kept = tokenOf(linkFor(email(user)));
        json(ADMIN, Map.of("name", "Renamed")).put("/api/admin/user-admin/" + user.id()).then().statusCode(200);
        RestAssured.given().queryParam("token", kept).get("/auth/reset/validate").then().statusCode(200);
        json(ADMIN, Map.of("email", "moved-" + email(user))).put("/api/admin/user-admin/" + user.id()).then()
                .statusCode(200);
        error(setPassword(kept, NEW_PASSWORD).then(), 401, "UnauthorizedError");

        // A deleted user's link is dead.
        String fourth = tokenOf(linkFor("moved-" + email(user)));
        as(ADMIN).delete("/api/admin/user-admin/" + user.id()).then().statusCode(200);
        error(setPassword(fourth, NEW_PASSWORD).then(), 401, "UnauthorizedError");
    }

    @Test
    void aResetAskedForByEmailAnswersTheSameWhetherTheAddressIsKnownOrNot() {
        Users.TestUser user = Users.withRole("Editor");
        String unknown = unique("nobody") + "@example.com";
        String known = RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("email", email(user).toUpperCase()))
                .post("/auth/reset/password-email").then().statusCode(200).extract().asString();
        String nobody = RestAssured.given().contentType(ContentType.JSON).body(Map.of("email", unknown))
                .post("/auth/reset/password-email").then().statusCode(200).extract().asString();
        assertEquals(known, nobody);

        String received = Mails.await(mail, email(user), 1);
        String token = Mails.token(received, "token");
        assertTrue(received.contains("http://flagward.test/reset-password?token=" + token),
                "the configured public URL");
        RestAssured.given().queryParam("token", token).get("/auth/reset/validate").then().statusCode(200)
                .body("createdBy", nullValue());
        setPassword(token, NEW_PASSWORD).then().statusCode(200);
        Users.login(user.username(), NEW_PASSWORD);
        Db.assertSecretNotStoredAnywhere(pool, token);

        // At most one mail a minute per address, silently: the answer is the same.
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("email", email(user)))
                .post("/auth/reset/password-email").then().statusCode(200);
        Users.TestUser marker = Users.withRole("Viewer");
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("email", email(marker)))
                .post("/auth/reset/password-email").then().statusCode(200);
        Mails.await(mail, email(marker), 1); // sent after the one that was skipped, so that one is not just late
        assertEquals(1, Mails.to(mail, email(user)).size());
        assertEquals(0, Mails.to(mail, unknown).size());
    }

    @Test
    void aUserCreatedWithoutAPasswordGetsAWelcomeLinkByMail() {
        String username = unique("welcome");
        String address = username + "@example.com";
        Response created = json(ADMIN,
                Map.of("username", username, "email", address, "name", "New Person", "rootRole", "Viewer"))
                .post("/api/admin/user-admin");
        created.then().statusCode(201).body("emailSent", is(true))
                .body("inviteLink", startsWith("http://flagward.test/new-user?token=reset_v2_"));
        String link = created.jsonPath().getString("inviteLink");
        String received = Mails.await(mail, address, 1);
        assertTrue(received.startsWith("Flagward: your new account"), received);
        assertTrue(received.contains(link) && received.contains("Hello New Person,"), "the mail holds the link");
        assertEquals(1, received.split("v2_", -1).length - 1, "only the link's token is in the mail");

        String token = tokenOf(link);
        RestAssured.given().queryParam("token", token).get("/auth/reset/validate").then().statusCode(200)
                .body("role.id", is(3)).body("name", is("New Person"));
        setPassword(token, NEW_PASSWORD).then().statusCode(200);
        Users.login(username, NEW_PASSWORD);
        Db.assertSecretNotStoredAnywhere(pool, token);
        // The user's events show the user, never the link.
        assertEquals(0, Db.count(pool, "select count(*) from events where data::text like '%new-user%'"));

        // sendEmail false: the link goes to the Admin only. A password given: no link at all (the user can sign in).
        String quiet = unique("quiet");
        json(ADMIN,
                Map.of("username", quiet, "email", quiet + "@example.com", "rootRole", "Viewer", "sendEmail", false))
                .post("/api/admin/user-admin").then().statusCode(201).body("emailSent", is(false))
                .body("inviteLink", startsWith("http://flagward.test/new-user?token="));
        String withPassword = unique("pw");
        json(ADMIN, Map.of("username", withPassword, "email", withPassword + "@example.com", "rootRole", "Viewer",
                "password", Users.PASSWORD)).post("/api/admin/user-admin").then().statusCode(201)
                .body("emailSent", is(false)).body("$", Matchers.not(Matchers.hasKey("inviteLink")));
        Users.TestUser marker = Users.withRole("Viewer");
        json(ADMIN, Map.of("id", email(marker))).post(RESET).then().statusCode(200);
        Mails.await(mail, email(marker), 1); // mailed after the others would have been
        assertEquals(0, Mails.to(mail, quiet + "@example.com").size());
        assertEquals(0, Mails.to(mail, withPassword + "@example.com").size());
    }

    @Test
    void onlyAdminsAskForResetLinks() {
        Users.TestUser editor = Users.withRole("Editor");
        Users.TestUser viewer = Users.withRole("Viewer");
        error(json(null, Map.of("id", email(viewer))).post(RESET).then(), 401, "AuthenticationRequired");
        error(json(editor.pat(), Map.of("id", email(viewer))).post(RESET).then(), 403, "PermissionError");
        error(json(viewer.pat(), Map.of("id", email(viewer))).post(RESET).then(), 403, "PermissionError");
        Users.TestUser admin = Users.withRole("Admin");
        json(admin.pat(), Map.of("id", email(viewer))).post(RESET).then().statusCode(200);
    }

    @Test
    void badInputIsRefused() {
        Users.TestUser user = Users.withRole("Viewer");
        // The Admin's request.
        error(json(ADMIN, Map.of("id", unique("nobody") + "@example.com")).post(RESET).then(), 404, "NotFoundError");
        error(json(ADMIN, Map.of()).post(RESET).then(), 400, "BadDataError").body("details[0].path", is("/body/id"));
        error(json(ADMIN, Map.of("id", 42)).post(RESET).then(), 400, "BadDataError");
        error(as(ADMIN).contentType(ContentType.JSON).body("{\"id\": ").post(RESET).then(), 400, "BadDataError");
        error(as(ADMIN).body("{\"id\": \"x\"}").post(RESET).then(), 415, "ContentTypeError");

        // Setting a password: the rules first, then the link.
        String token = tokenOf(linkFor(email(user)));
        error(setPassword(token, "weak").then(), 400, "BadDataError").body("details[0].path", is("/body/password"));
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", token))
                .post("/auth/reset/password").then(),
                400, "BadDataError");
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("password", NEW_PASSWORD))
                .post("/auth/reset/password")
                .then(), 400, "BadDataError").body("details[0].path", is("/body/token"));
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("token", 7, "password", NEW_PASSWORD))
                .post("/auth/reset/password").then(), 400, "BadDataError");
        error(RestAssured.given().contentType(ContentType.JSON).body("{\"token\": \"x\", ").post("/auth/reset/password")
                .then(),
                400, "BadDataError");
        error(RestAssured.given().body("{}").post("/auth/reset/password").then(), 415, "ContentTypeError");
        // A mistyped link, one that was never made, and a secret of another kind: the same 401.
        error(setPassword(tampered(token), NEW_PASSWORD).then(), 401, "UnauthorizedError");
        error(setPassword(CredentialFormat.mint(PasswordResetService.PREFIX).secret(), NEW_PASSWORD).then(), 401,
                "UnauthorizedError");
        error(setPassword(user.pat(), NEW_PASSWORD).then(), 401, "UnauthorizedError");
        error(setPassword("reset_v2_nonsense", NEW_PASSWORD).then(), 401, "UnauthorizedError");
        error(RestAssured.get("/auth/reset/validate").then(), 400, "BadDataError");
        error(RestAssured.given().queryParam("token", tampered(token)).get("/auth/reset/validate").then(), 401,
                "UnauthorizedError");
        // None of that used the link up.
        setPassword(token, NEW_PASSWORD).then().statusCode(200);

        // Asking by email, and the password rules.
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of()).post("/auth/reset/password-email")
                .then(),
                400, "BadDataError").body("details[0].path", is("/body/email"));
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("email", true))
                .post("/auth/reset/password-email")
                .then(), 400, "BadDataError");
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("password", NEW_PASSWORD))
                .post("/auth/reset/validate-password").then().statusCode(200);
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("password", "short"))
                .post("/auth/reset/validate-password")
                .then(), 400, "BadDataError");
        error(RestAssured.given().contentType(ContentType.JSON).body("[").post("/auth/reset/validate-password").then(),
                400, "BadDataError");
    }

    @Test
    void strangersArePacedPerAddress() {
        int calls = 0;
        Response response;
        // Time stands still while the budget runs out, so nothing trickles back in between the calls below.
        clock.freezeAt(Instant.now());
        do {
            response = RestAssured.given().queryParam("token", "reset_v2_not-a-link").get("/auth/reset/validate");
            calls++;
        } while (response.statusCode() != 429 && calls < 400);
        error(response.then(), 429, "RateLimitError");
        assertTrue(Integer.parseInt(response.getHeader("Retry-After")) >= 1);
        error(RestAssured.given().contentType(ContentType.JSON).body(Map.of("email", "a@example.com"))
                .post("/auth/reset/password-email").then(), 429, "RateLimitError");
        // The budget refills with time (the injected clock), for the tests after this one too.
        clock.reset();
        clock.advance(Duration.ofMinutes(2));
        error(RestAssured.given().queryParam("token", "reset_v2_not-a-link").get("/auth/reset/validate").then(), 401,
                "UnauthorizedError");
    }
}
