package dev.flagward.pat;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.authentication.SeenTracker;
import dev.flagward.support.Db;
import dev.flagward.support.Eventually;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@QuarkusTest
class PatTest {

    private static final String PATS = "/api/admin/user/tokens";

    @Inject
    Pool pool;
    @Inject
    SeenTracker seen;

    private static RequestSpecification session(String cookie) {
        return RestAssured.given().cookie("unleash-session", cookie);
    }

    private static Map<String, Object> body(String description) {
        return Map.of("description", description, "expiresAt", iso(Instant.now().plus(7, ChronoUnit.DAYS)));
    }

    @Test
    void createListAuthenticateDelete() {
        var user = Users.withRole("Editor");
        String description = unique("ci");
        var created = session(user.cookie()).contentType(ContentType.JSON).body(body(description)).post(PATS).then()
                .statusCode(201)
                .body("description", is(description))
                .body("userId", is((int) user.id()))
                .body("seenAt", nullValue())
                .extract();
        String secret = created.path("secret");
        int id = created.path("id");
        assertEquals("/api/admin/user/tokens/" + id, created.header("Location"));
        assertTrue(secret.startsWith("user:v2_") && CredentialFormat.checksumMatches(secret));

        // Stored hashed; listed without the secret.
        Row row = Db.rows(pool, "select * from personal_access_tokens where id = $1", (long) id).get(0);
        assertArrayEquals(CredentialFormat.verifier(secret), row.getBuffer("verifier").getBytes());
        Db.assertSecretNotStored(pool, "personal_access_tokens", secret);
        String list = as(secret).get(PATS).then().statusCode(200)
                .body("pats.find { it.id == " + id + " }.description", is(description))
                .extract().asString();
        assertFalse(list.contains(secret));

        // Authenticates as its user, raw or Bearer, with the user's role.
        as(secret).get("/api/admin/api-tokens").then().statusCode(200);
        as("Bearer " + secret).get("/api/admin/api-tokens").then().statusCode(200);
        as("bearer  " + secret).get("/api/admin/user").then().statusCode(200).body("user.id", is((int) user.id()));
        error(as(secret).get("/api/admin/user-admin").then(), 403, "PermissionError");

        session(user.cookie()).delete(PATS + "/" + id).then().statusCode(200);
        error(as(secret).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError");
        session(user.cookie()).get(PATS).then().body("pats.id", Matchers.not(Matchers.hasItem(id)));
        String events = as(ADMIN).get("/api/admin/events?limit=100").asString();
        assertTrue(events.contains("\"pat-created\"") && events.contains("\"pat-deleted\""));
        assertFalse(events.contains(secret));
    }

    @Test
    void createErrors() {
        var user = Users.withRole("Viewer");
        String taken = unique("taken");
        session(user.cookie()).contentType(ContentType.JSON).body(body(taken)).post(PATS).then().statusCode(201);
        long before = Db.count(pool, "select count(*) from personal_access_tokens");
        Object[][] cases = {
                {Map.of("expiresAt", iso(Instant.now().plusSeconds(3600))), 400, "BadDataError"},
                {Map.of("description", "", "expiresAt", iso(Instant.now().plusSeconds(3600))), 400, "BadDataError"},
                {Map.of("description", "x"), 400, "BadDataError"},
                {Map.of("description", "x", "expiresAt", iso(Instant.now().minusSeconds(60))), 400, "BadDataError"},
                {Map.of("description", "x", "expiresAt", "tomorrow"), 400, "BadDataError"},
                {Map.of("description", 5, "expiresAt", iso(Instant.now().plusSeconds(3600))), 400, "BadDataError"},
                {Map.of("description", "x".repeat(256), "expiresAt", iso(Instant.now().plusSeconds(3600))), 400,
                        "BadDataError"},
                {body(taken), 409, "NameExistsError"},
        };
        for (Object[] c : cases) {
            error(session(user.cookie()).contentType(ContentType.JSON).body(c[0]).post(PATS).then(), (int) c[1],
                    (String) c[2]);
        }
        error(session(user.cookie()).contentType(ContentType.TEXT).body("x").post(PATS).then(), 415,
                "ContentTypeError");
        assertEquals(before, Db.count(pool, "select count(*) from personal_access_tokens"));
    }

    @Test
    void atMostTenPerUser() {
        var user = Users.withRole("Viewer");
        for (int i = 1; i < 10; i++) {
            session(user.cookie()).contentType(ContentType.JSON).body(body("pat " + i)).post(PATS).then()
                    .statusCode(201);
        }
        error(session(user.cookie()).contentType(ContentType.JSON).body(body("one too many")).post(PATS).then(),
                403, "OperationDeniedError");
        as(user.pat()).get(PATS).then().body("pats", hasSize(10));
    }

    @Test
    void apiTokensCannotHavePats() {
        error(json(ADMIN, body("x")).post(PATS).then(), 403, "ForbiddenError");
        error(as(ADMIN).get(PATS).then(), 403, "ForbiddenError");
        error(as(ADMIN).delete(PATS + "/1").then(), 403, "ForbiddenError");
        String backend = createSecret(Map.of());
        error(json(backend, body("x")).post(PATS).then(), 403, "ForbiddenError");
        error(as(null).get(PATS).then(), 401, "AuthenticationRequired");
    }

    @Test
    void anotherUsersPatIsNotFound() {
        var owner = Users.withRole("Admin");
        var other = Users.withRole("Admin");
        int id = as(owner.pat()).get(PATS).then().extract().path("pats[0].id");
        error(session(other.cookie()).delete(PATS + "/" + id).then(), 404, "NotFoundError");
        as(owner.pat()).get("/api/admin/user").then().statusCode(200);
        error(session(other.cookie()).delete(PATS + "/999999999").then(), 404, "NotFoundError");
        error(session(other.cookie()).delete(PATS + "/abc").then(), 400, "BadDataError");
        error(session(other.cookie()).delete(PATS + "/-1").then(), 400, "BadDataError");
        as(other.pat()).get(PATS).then().body("pats", hasSize(1));
    }

    @Test
    void expiredPatsAreRefused() {
        var user = Users.withRole("Editor");
        String secret = session(user.cookie()).contentType(ContentType.JSON)
                .body(Map.of("description", "short-lived", "expiresAt", iso(Instant.now().plusSeconds(2))))
                .post(PATS).then().statusCode(201).extract().path("secret");
        Db.rows(pool, "update personal_access_tokens set expires_at = now() - interval '1 second' where selector = $1",
                CredentialFormat.parse(secret).selector());
        // The update's NOTIFY reaches the cache; expiry is also checked on every request.
        Eventually.within(Duration.ofSeconds(1)).alias("the expired PAT is refused within 1 s")
                .until(() -> as(secret).get("/api/admin/user").statusCode() == 401);
    }

    @Test
    void concurrentCreatesOfOneDescriptionYieldExactlyOne() throws Exception {
        var user = Users.withRole("Viewer");
        String description = unique("race");
        ExecutorService pool50 = Executors.newFixedThreadPool(16);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> as(user.pat()).contentType(ContentType.JSON).body(body(description)).post(PATS)
                        .statusCode());
            }
            for (Future<Integer> f : pool50.invokeAll(calls)) {
                statuses.add(f.get());
            }
        } finally {
            pool50.shutdownNow();
        }
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 409), statuses.toString());
        assertEquals(1,
                Db.count(pool, "select count(*) from personal_access_tokens where user_id = $1 and description = $2",
                        user.id(), description));
    }

    @Test
    void seenAtIsBatched() {
        var user = Users.withRole("Viewer");
        seen.flush().await().indefinitely();
        as(user.pat()).get("/api/admin/user").then().statusCode(200);
        String selector = CredentialFormat.parse(user.pat()).selector();
        assertEquals(0, Db.count(pool,
                "select count(*) from personal_access_tokens where selector = $1 and seen_at is not null", selector));
        seen.flush().await().indefinitely();
        assertEquals(1, Db.count(pool,
                "select count(*) from personal_access_tokens where selector = $1 and seen_at is not null", selector));
        assertNotNull(as(user.pat()).get(PATS).then().extract().path("pats[0].seenAt"));
        session(user.cookie()).get(PATS).then().body("pats", Matchers.not(empty()));
    }
}
