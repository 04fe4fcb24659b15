package dev.flagward.user;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.tampered;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.LogCapture;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Invite links (Unleash's public signup tokens): shown once, stored hashed, read from the database on every use (so
 * disabling one holds at once everywhere), and a signup is a Viewer that takes a read-only seat of the license.
 */
@QuarkusTest
class InviteLinkTest {

    private static final String TOKENS = "/api/admin/invite-link/tokens";
    private static final String PASSWORD = "Inv1ted-password!";

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    LicenseService license;

    @AfterEach
    void cleanUp() {
        clock.reset();
        Licenses.remove(pool, license);
    }

    private static Map<String, Object> create(String name, Instant expiresAt) {
        return json(ADMIN, Map.of("name", name, "expiresAt", iso(expiresAt))).post(TOKENS).then().statusCode(201)
                .extract().jsonPath().getMap("");
    }

    private static String secret(Map<String, Object> created) {
        return (String) created.get("secret");
    }

    private static String selector(String secret) {
        return CredentialFormat.parse(secret).selector();
    }

    private static Response signup(String secret, Map<String, Object> body) {
        return RestAssured.given().contentType(ContentType.JSON).body(body).post("/invite/" + secret + "/signup");
    }

    private static Map<String, Object> person() {
        String username = unique("inv");
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("email", username + "@example.com");
        body.put("name", "Invited " + username);
        body.put("password", PASSWORD);
        return body;
    }

    @Test
    void aLinkIsShownOnceAndSignsPeopleUpAsViewers() {
        try (LogCapture logs = LogCapture.start()) {
            Instant expires = Instant.now().plus(Duration.ofDays(7));
            Response created = json(ADMIN, Map.of("name", "Team", "expiresAt", iso(expires))).post(TOKENS);
            created.then().statusCode(201).body("secret", startsWith("invite_v2_")).body("name", is("Team"))
                    .body("enabled", is(true)).body("createdBy", is("admin")).body("expiresAt", is(iso(expires)))
                    .body("role.id", is(3)).body("role.name", is("Viewer")).body("role.type", is("root"));
            String secret = created.jsonPath().getString("secret");
            String selector = selector(secret);
            assertEquals("http://flagward.test/new-user?invite=" + secret, created.jsonPath().getString("url"));
            assertEquals(TOKENS + "/" + selector, created.header("Location"),
                    "named by its identifier, not its secret");

            // Afterwards: the identifier in secret, no url (only a hash of the secret is kept).
            admin().get(TOKENS).then().statusCode(200).body("tokens.find { it.name == 'Team' }.secret", is(selector))
                    .body("tokens.find { it.name == 'Team' }.url", nullValue());
            admin().get(TOKENS + "/" + selector).then().statusCode(200).body("secret", is(selector))
                    .body("url", nullValue())
                    .body("users.size()", is(0));
            admin().get(TOKENS + "/" + secret).then().statusCode(200).body("secret", is(selector));

            RestAssured.get("/invite/" + secret + "/validate").then().statusCode(200);
            Map<String, Object> person = person();
            long id = signup(secret, person).then().statusCode(201).body("username", is(person.get("username")))
                    .body("rootRole", is(3)).body("seatType", is("Read-only")).extract().jsonPath().getLong("id");
            Users.login((String) person.get("email"), PASSWORD);
            admin().get(TOKENS + "/" + selector).then().body("users.id", hasItem((int) id));
            assertEquals(1, Db.count(pool, "select count(*) from events where type = 'public-signup-token-user-added' "
                    + "and data->>'secret' = $1", selector));
            assertEquals(1, Db.count(pool, "select count(*) from events where type = 'public-signup-token-created' "
                    + "and data->>'secret' = $1", selector));

            // The identifier that lists show signs nobody up.
            error(RestAssured.get("/invite/" + selector + "/validate").then(), 400, "BadDataError");
            error(signup(selector, person()).then(), 400, "BadDataError");

            Db.assertSecretNotStoredAnywhere(pool, secret);
            logs.assertNoneContains(secret, secret.substring(secret.indexOf("v2_") + 26, secret.length() - 6));
        }
    }

    @Test
    void disablingOrExpiringALinkHoldsAtOnce() {
        String secret = secret(create("Expiring", Instant.now().plus(Duration.ofDays(1))));
        String selector = selector(secret);
        json(ADMIN, Map.of("enabled", false)).put(TOKENS + "/" + selector).then().statusCode(200).body("enabled",
                is(false));
        error(RestAssured.get("/invite/" + secret + "/validate").then(), 400, "BadDataError");
        error(signup(secret, person()).then(), 400, "BadDataError");
        json(ADMIN, Map.of("enabled", true)).put(TOKENS + "/" + secret).then().statusCode(200).body("enabled",
                is(true));
        RestAssured.get("/invite/" + secret + "/validate").then().statusCode(200);

        // An expiry in the past ends it; a later one brings it back.
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(1)))).put(TOKENS + "/" + selector).then()
                .statusCode(200).body("enabled", is(false));
        error(RestAssured.get("/invite/" + secret + "/validate").then(), 400, "BadDataError");
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().plus(Duration.ofHours(2))))).put(TOKENS + "/" + selector)
                .then()
                .statusCode(200).body("enabled", is(true));
        RestAssured.get("/invite/" + secret + "/validate").then().statusCode(200);
        // Time passing ends it too; enabled says so, as Unleash's does. (Only the Admin's side is asked while the clock
        // is moved: the public side's rate-limit bucket must not see time run backwards when it is reset.)
        clock.advance(Duration.ofHours(3));
        admin().get(TOKENS + "/" + selector).then().body("enabled", is(false));
        assertEquals(2, Db.count(pool, "select count(*) from events where type = 'public-signup-token-updated' "
                + "and data->>'secret' = $1 and data->>'enabled' = 'true'", selector));

        // At most 30 days, as Unleash caps it.
        clock.reset();
        Response year = json(ADMIN, Map.of("name", "Long", "expiresAt", iso(Instant.now().plus(Duration.ofDays(365)))))
                .post(TOKENS);
        Instant capped = Instant.parse(year.then().statusCode(201).extract().jsonPath().getString("expiresAt"));
        assertFalse(capped.isAfter(Instant.now().plus(Duration.ofDays(30))), capped.toString());
        assertTrue(capped.isAfter(Instant.now().plus(Duration.ofDays(29))), capped.toString());
    }

    @Test
    void aSignupTakesAReadOnlySeatAndIsRefusedWhenNoneIsLeft() {
        String secret = secret(create("Seats", Instant.now().plus(Duration.ofDays(1))));
        Licenses.remove(pool, license);
        long viewers = Db.count(pool, "select count(*) from users where root_role = 'Viewer' and deleted_at is null");
        json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withSeats(10_000, (int) viewers + 1))))
                .post("/api/admin/license").then().statusCode(201);
        signup(secret, person()).then().statusCode(201);
        Map<String, Object> late = person();
        error(signup(secret, late).then(), 400, "ExceedsLimitError");
        assertEquals(0, Db.count(pool, "select count(*) from users where username = $1", late.get("username")));
    }

    @Test
    void inReadOnlyModeNobodySignsUpButLinksCanStillBeDisabled() {
        String secret = secret(create("ReadOnly", Instant.now().plus(Duration.ofDays(30))));
        String selector = selector(secret);
        Licenses.remove(pool, license);
        json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
        clock.advance(Duration.ofDays(16)); // past the expiry and the 14-day grace period
        error(signup(secret, person()).then(), 403, "LicenseError");
        error(json(ADMIN, Map.of("name", "x", "expiresAt", iso(Instant.now().plus(Duration.ofDays(20))))).post(TOKENS)
                .then(),
                403, "LicenseError");
        json(ADMIN, Map.of("enabled", false)).put(TOKENS + "/" + selector).then().statusCode(200);
        error(json(ADMIN, Map.of("enabled", true)).put(TOKENS + "/" + selector).then(), 403, "LicenseError");
    }

    @Test
    void onlyAdminsManageLinksAndAnyoneMaySignUp() {
        Users.TestUser editor = Users.withRole("Editor");
        Users.TestUser viewer = Users.withRole("Viewer");
        Users.TestUser adminUser = Users.withRole("Admin");
        Map<String, Object> body = Map.of("name", "Perm", "expiresAt", iso(Instant.now().plus(Duration.ofDays(1))));
        error(as(null).get(TOKENS).then(), 401, "AuthenticationRequired");
        error(json(null, body).post(TOKENS).then(), 401, "AuthenticationRequired");
        for (String secret : List.of(editor.pat(), viewer.pat())) {
            error(as(secret).get(TOKENS).then(), 403, "PermissionError");
            error(json(secret, body).post(TOKENS).then(), 403, "PermissionError");
            error(as(secret).get(TOKENS + "/AAAAAAAAAAAAAAAAAAAAAA").then(), 403, "PermissionError");
            error(json(secret, Map.of("enabled", false)).put(TOKENS + "/AAAAAAAAAAAAAAAAAAAAAA").then(), 403,
                    "PermissionError");
        }
        String secret = (String) json(adminUser.pat(), body).post(TOKENS).then().statusCode(201)
                .body("createdBy", is(adminUser.username())).extract().path("secret");
        RestAssured.given().cookie("unleash-session", adminUser.cookie()).get(TOKENS).then().statusCode(200);
        // Signing up needs no credentials, and ignores any.
        RestAssured.get("/invite/" + secret + "/validate").then().statusCode(200);
        as(viewer.pat()).contentType(ContentType.JSON).body(person()).post("/invite/" + secret + "/signup").then()
                .statusCode(201);
    }

    @Test
    void badInputIsRefused() {
        String secret = secret(create("Bad", Instant.now().plus(Duration.ofDays(1))));
        // Creating.
        error(json(ADMIN, Map.of("expiresAt", iso(Instant.now().plusSeconds(60)))).post(TOKENS).then(), 400,
                "BadDataError")
                .body("details[0].path", is("/body/name"));
        error(json(ADMIN, Map.of("name", "x")).post(TOKENS).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/expiresAt"));
        error(json(ADMIN, Map.of("name", "x", "expiresAt", iso(Instant.now().minusSeconds(60)))).post(TOKENS).then(),
                400, "BadDataError");
        error(json(ADMIN, Map.of("name", 5, "expiresAt", iso(Instant.now().plusSeconds(60)))).post(TOKENS).then(), 400,
                "BadDataError");
        error(json(ADMIN, Map.of("name", "x", "expiresAt", "tomorrow")).post(TOKENS).then(), 400, "BadDataError");
        error(admin().contentType(ContentType.JSON).body("{\"name\":").post(TOKENS).then(), 400, "BadDataError");
        error(admin().body("{}").post(TOKENS).then(), 415, "ContentTypeError");
        // Reading and changing.
        error(admin().get(TOKENS + "/AAAAAAAAAAAAAAAAAAAAAA").then(), 404, "NotFoundError");
        error(admin().get(TOKENS + "/" + tampered(secret)).then(), 404, "NotFoundError");
        error(admin().get(TOKENS + "/nonsense").then(), 404, "NotFoundError");
        error(json(ADMIN, Map.of()).put(TOKENS + "/" + selector(secret)).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("enabled", "no")).put(TOKENS + "/" + selector(secret)).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("enabled", false)).put(TOKENS + "/AAAAAAAAAAAAAAAAAAAAAA").then(), 404,
                "NotFoundError");
        // Signing up.
        error(RestAssured.get("/invite/" + tampered(secret) + "/validate").then(), 400, "BadDataError");
        error(RestAssured.get("/invite/" + CredentialFormat.mint(InviteLinkService.PREFIX).secret() + "/validate")
                .then(),
                400, "BadDataError");
        error(RestAssured.get("/invite/nonsense/validate").then(), 400, "BadDataError");
        Map<String, Object> weak = person();
        weak.put("password", "weak");
        error(signup(secret, weak).then(), 400, "BadDataError").body("details[0].path", is("/body/password"));
        Map<String, Object> noEmail = person();
        noEmail.remove("email");
        error(signup(secret, noEmail).then(), 400, "BadDataError").body("details[0].path", is("/body/email"));
        Map<String, Object> noName = person();
        noName.remove("name");
        error(signup(secret, noName).then(), 400, "BadDataError").body("details[0].path", is("/body/name"));
        Map<String, Object> wrongType = person();
        wrongType.put("email", 12);
        error(signup(secret, wrongType).then(), 400, "BadDataError");
        error(RestAssured.given().contentType(ContentType.JSON).body("{").post("/invite/" + secret + "/signup").then(),
                400, "BadDataError");
        error(RestAssured.given().body("{}").post("/invite/" + secret + "/signup").then(), 415, "ContentTypeError");
        Map<String, Object> first = person();
        signup(secret, first).then().statusCode(201);
        Map<String, Object> again = person();
        again.put("email", first.get("email"));
        error(signup(secret, again).then(), 409, "NameExistsError");
    }
}
