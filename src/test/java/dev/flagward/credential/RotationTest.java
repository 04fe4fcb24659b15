package dev.flagward.credential;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.BOOTSTRAP_BACKEND;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.rotation.Rotation;
import dev.flagward.support.Db;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rotation with overlap of API tokens and PATs (signal endpoint tokens: SignalTokenRotationTest). */
@QuarkusTest
class RotationTest {

    @Inject
    Pool pool;
    @Inject
    TestClock clock;

    private Instant now;

    @BeforeEach
    void freeze() {
        now = Instant.now();
        clock.freezeAt(now);
    }

    @AfterEach
    void reset() {
        clock.reset();
    }

    private static String selector(String secret) {
        int mark = secret.indexOf("v2_");
        return secret.substring(mark + 3, mark + 25);
    }

    private static Response rotate(String as, String token, Object body) {
        var request = RestAssured.given().header("Authorization", as);
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.post("/api/admin/api-tokens/{t}/rotate", token);
    }

    @Test
    void anApiTokenRotatesWithOverlapThenOnlyTheNewOneWorks() {
        String name = unique("rotated");
        String old = (String) createToken(Map.of("tokenName", name, "type", "backend", "environment", "production",
                "projects", List.of("default"))).get("secret");
        Instant end = now.plus(Duration.ofHours(2));

        JsonPath created = rotate(ADMIN, old, Map.of("oldExpiresAt", iso(end))).then().statusCode(201).extract()
                .jsonPath();
        String fresh = created.getString("secret");
        assertTrue(fresh.startsWith("default:production.v2_"), fresh);
        assertNotEquals(old, fresh);
        assertEquals(name, created.getString("tokenName"));
        assertEquals("backend", created.getString("type"));
        assertEquals("production", created.getString("environment"));
        assertEquals(List.of("default"), created.getList("projects"));
        assertNull(created.getString("expiresAt"));
        assertEquals(selector(old), created.getString("replaces"));

        // Both work during the overlap; lists link them both ways.
        validate(old, fresh).body("tokens", hasSize(2));
        JsonPath listed = admin().get("/api/admin/api-tokens/" + name).then().statusCode(200).extract().jsonPath();
        assertEquals(2, listed.getList("tokens").size());
        Map<String, Object> oldListed = listed.getMap("tokens.find { it.secret == '" + selector(old) + "' }");
        Map<String, Object> newListed = listed.getMap("tokens.find { it.secret == '" + selector(fresh) + "' }");
        assertEquals(selector(fresh), oldListed.get("replacedBy"));
        assertEquals(Instant.parse((String) oldListed.get("expiresAt")), end.truncatedTo(ChronoUnit.MILLIS));
        assertEquals(selector(old), newListed.get("replaces"));
        assertFalse(newListed.containsKey("replacedBy"));

        // After the overlap only the new one.
        clock.freezeAt(end.plusSeconds(1));
        validate(old, fresh).body("tokens.token", Matchers.contains(fresh));
        error(as(old).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError");

        // The event names both, never a secret.
        String events = admin().get("/api/admin/events?type=api-token-rotated").then().statusCode(200).extract()
                .asString();
        assertTrue(events.contains(selector(old)) && events.contains(selector(fresh)), events);
        assertFalse(events.contains(old) || events.contains(fresh));
        Db.assertSecretNotStored(pool, "api_tokens", fresh);
        Db.assertSecretNotStored(pool, "events", fresh);
    }

    private static Instant storedExpiry(Pool pool, String table, String selector) {
        return Db.rows(pool, "select expires_at from " + table + " where selector = $1", selector).get(0)
                .getOffsetDateTime(0).toInstant();
    }

    @Test
    void rotatingAReplacementEndsItsPredecessorsOverlapAtOnce() {
        String a = (String) createToken(Map.of("tokenName", unique("chain"), "type", "backend")).get("secret");
        // The default overlap: a keeps working for 24 hours beside b.
        String b = rotate(ADMIN, a, null).then().statusCode(201).extract().path("secret");
        validate(a, b).body("tokens", hasSize(2));

        String c = rotate(ADMIN, b, null).then().statusCode(201).extract().path("secret");

        // Right after the answer, without the clock moving: a is refused, b (in its overlap) and c authenticate.
        validate(a, b, c).body("tokens.token", containsInAnyOrder(b, c));
        error(as(a).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError");
        // A backend token is a known credential of the wrong kind on the admin API: 403, not 401.
        error(as(b).get("/api/admin/api-tokens").then(), 403, "ForbiddenError");
        error(as(c).get("/api/admin/api-tokens").then(), 403, "ForbiddenError");
        assertEquals(now.truncatedTo(ChronoUnit.MILLIS),
                storedExpiry(pool, "api_tokens", selector(a)).truncatedTo(ChronoUnit.MILLIS));
        assertEquals(now.plus(Rotation.DEFAULT_OVERLAP).truncatedTo(ChronoUnit.MILLIS),
                storedExpiry(pool, "api_tokens", selector(b)).truncatedTo(ChronoUnit.MILLIS));
        // The event of the second rotation says whose overlap it ended.
        JsonPath event = admin().get("/api/admin/events?type=api-token-rotated&limit=1").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(selector(c), event.getString("events[0].data.token.secret"));
        assertEquals(selector(a), event.getString("events[0].data.endedOverlapOf"));
    }

    @Test
    void aChainOfApiTokensNeverHasMoreThanTwoThatAuthenticate() {
        String name = unique("chain");
        List<String> chain = new ArrayList<>(List.of((String) createToken(Map.of("tokenName", name, "type", "frontend"))
                .get("secret")));
        for (int i = 0; i < 5; i++) {
            chain.add(rotate(ADMIN, chain.get(chain.size() - 1), null).then().statusCode(201).extract().path("secret"));
            validate(chain.toArray(String[]::new)).body("tokens.token",
                    containsInAnyOrder(chain.get(chain.size() - 2), chain.get(chain.size() - 1)));
        }
        assertEquals(6, Db.count(pool, "select count(*) from api_tokens where token_name = $1", name));
        assertEquals(2, Db.count(pool, "select count(*) from api_tokens where token_name = $1 and (expires_at is null "
                + "or expires_at > $2)", name, now.atOffset(ZoneOffset.UTC)));
    }

    @Test
    void aPredecessorThatAlreadyStoppedKeepsItsEarlierExpiry() {
        String a = (String) createToken(Map.of("tokenName", unique("early"), "type", "backend")).get("secret");
        Instant end = now.plus(Duration.ofMinutes(1));
        String b = rotate(ADMIN, a, Map.of("oldExpiresAt", iso(end))).then().statusCode(201).extract().path("secret");
        clock.freezeAt(now.plus(Duration.ofMinutes(5)));
        String c = rotate(ADMIN, b, null).then().statusCode(201).extract().path("secret");
        assertEquals(end.truncatedTo(ChronoUnit.MILLIS),
                storedExpiry(pool, "api_tokens", selector(a)).truncatedTo(ChronoUnit.MILLIS));
        validate(a, b, c).body("tokens.token", containsInAnyOrder(b, c));
        JsonPath event = admin().get("/api/admin/events?type=api-token-rotated&limit=1").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(selector(c), event.getString("events[0].data.token.secret"));
        assertNull(event.get("events[0].data.endedOverlapOf"));
    }

    @Test
    void deletingAReplacementApiTokenUnlinksItsPredecessor() {
        String name = unique("unlinked");
        String old = (String) createToken(Map.of("tokenName", name, "type", "backend")).get("secret");
        String fresh = rotate(ADMIN, old, Map.of("oldExpiresAt", iso(now.plus(Duration.ofDays(30)))))
                .then().statusCode(201).extract().path("secret");
        admin().delete("/api/admin/api-tokens/{token}", fresh).then().statusCode(200);

        // The listing (served from memory) no longer links the old token to one that does not exist.
        JsonPath listed = admin().get("/api/admin/api-tokens/" + name).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(selector(old)), listed.getList("tokens.secret"));
        assertFalse(listed.getMap("tokens[0]").containsKey("replacedBy"), listed.prettify());
        JsonPath all = admin().get("/api/admin/api-tokens").then().statusCode(200).extract().jsonPath();
        assertFalse(all.getMap("tokens.find { it.secret == '" + selector(old) + "' }").containsKey("replacedBy"));
        // It keeps its overlap's end, and is the current token of its name again: it may be rotated.
        validate(old, fresh).body("tokens.token", Matchers.contains(old));
        rotate(ADMIN, old, null).then().statusCode(201);
    }

    /** Security review: deleting the rest of a chain must not leave a link to a token that no longer exists. */
    @Test
    void deletingEveryLaterTokenOfAChainLeavesNoLinkToADeletedOne() {
        String name = unique("chain");
        String first = (String) createToken(Map.of("tokenName", name, "type", "backend")).get("secret");
        String second = rotate(ADMIN, first, null).then().statusCode(201).extract().path("secret");
        String third = rotate(ADMIN, second, null).then().statusCode(201).extract().path("secret");
        admin().delete("/api/admin/api-tokens/{token}", second).then().statusCode(200);
        assertEquals(selector(third), admin().get("/api/admin/api-tokens/" + name).then().statusCode(200).extract()
                .jsonPath().getString("tokens.find { it.secret == '" + selector(first) + "' }.replacedBy"));
        admin().delete("/api/admin/api-tokens/{token}", third).then().statusCode(200);
        JsonPath listed = admin().get("/api/admin/api-tokens/" + name).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(selector(first)), listed.getList("tokens.secret"));
        assertFalse(listed.getMap("tokens[0]").containsKey("replacedBy"), listed.prettify());
    }

    @Test
    void theDefaultOverlapIs24HoursAndAnEarlierExpiryStays() {
        String secret = (String) createToken(Map.of("tokenName", unique("d"), "type", "frontend")).get("secret");
        String fresh = rotate(ADMIN, secret, null).then().statusCode(201).extract().path("secret");
        // Stored to the millisecond, as every timestamp the API writes.
        assertEquals(now.plus(Duration.ofHours(24)).truncatedTo(ChronoUnit.MILLIS),
                Db.rows(pool, "select expires_at from api_tokens where selector = $1", selector(secret)).get(0)
                        .getOffsetDateTime(0).toInstant().truncatedTo(ChronoUnit.MILLIS));
        validate(secret, fresh).body("tokens", hasSize(2));

        Instant soon = now.plus(Duration.ofHours(1));
        String expiring = (String) createToken(
                Map.of("tokenName", unique("e"), "type", "client", "expiresAt", iso(soon))).get("secret");
        JsonPath created = rotate(ADMIN, selector(expiring), Map.of("oldExpiresAt", iso(now.plus(Duration.ofDays(3)))))
                .then().statusCode(201).extract().jsonPath();
        // The old one keeps its sooner expiry; the new one inherits the token's expiry.
        assertEquals(soon.truncatedTo(ChronoUnit.MILLIS), Instant.parse(created.getString("expiresAt")));
        assertEquals(soon.truncatedTo(ChronoUnit.MILLIS),
                Db.rows(pool, "select expires_at from api_tokens where selector = $1", selector(expiring)).get(0)
                        .getOffsetDateTime(0).toInstant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void badInputAndUnknownTokens() {
        String secret = (String) createToken(Map.of("tokenName", unique("b"), "type", "backend")).get("secret");
        error(rotate(ADMIN, secret, Map.of("oldExpiresAt", iso(now.minusSeconds(60)))).then(), 400, "BadDataError");
        error(rotate(ADMIN, secret, Map.of("oldExpiresAt", iso(now.plus(Duration.ofDays(31))))).then(), 400,
                "BadDataError");
        error(rotate(ADMIN, secret, Map.of("oldExpiresAt", "tomorrow")).then(), 400, "BadDataError");
        error(rotate(ADMIN, secret, Map.of("oldExpiresAt", 12)).then(), 400, "BadDataError");
        error(rotate(ADMIN, secret, "{\"oldExpiresAt\":").then(), 400, "BadDataError");
        error(RestAssured.given().header("Authorization", ADMIN).contentType("text/plain").body("x")
                .post("/api/admin/api-tokens/{t}/rotate", secret).then(), 415, "ContentTypeError");
        // Unknown: a rotation must say it did nothing.
        error(rotate(ADMIN, "*:development.v2_AAAAAAAAAAAAAAAAAAAAAA_" + "A".repeat(43) + "AAAAAA", null).then(), 404,
                "NotFoundError");
        error(rotate(ADMIN, "AAAAAAAAAAAAAAAAAAAAAA", null).then(), 404, "NotFoundError");
        // Nothing changed by the refusals.
        assertEquals(1, Db.count(pool, "select count(*) from api_tokens where selector = $1 and expires_at is null "
                + "and replaced_by is null", selector(secret)));
        // Rotated once: rotate the replacement, not the old one again. Expired: nothing to overlap with.
        rotate(ADMIN, secret, null).then().statusCode(201);
        error(rotate(ADMIN, secret, null).then(), 400, "BadDataError");
        String expired = (String) createToken(Map.of("tokenName", unique("x"), "type", "backend",
                "expiresAt", iso(now.plusSeconds(5)))).get("secret");
        clock.freezeAt(now.plusSeconds(10));
        error(rotate(ADMIN, expired, null).then(), 400, "BadDataError");
    }

    @Test
    void whoMayUpdateMayRotate() {
        Users.TestUser editor = Users.withRole("Editor");
        Users.TestUser viewer = Users.withRole("Viewer");
        String backend = (String) createToken(Map.of("tokenName", unique("p"), "type", "backend")).get("secret");
        error(rotate(viewer.pat(), backend, null).then(), 403, "PermissionError");
        error(RestAssured.given().post("/api/admin/api-tokens/{t}/rotate", backend).then(), 401,
                "AuthenticationRequired");
        // Editors may update (so rotate) client, backend and frontend tokens, not admin tokens.
        error(rotate(editor.pat(), ADMIN, null).then(), 403, "PermissionError");
        assertEquals(0,
                Db.count(pool, "select count(*) from api_tokens where type = 'admin' and replaced_by is not null"));
        rotate(editor.pat(), backend, null).then().statusCode(201);
    }

    @Test
    void aVerbatimBootstrapSecretRotatesIntoAV2One() {
        JsonPath created = rotate(ADMIN, BOOTSTRAP_BACKEND, Map.of("oldExpiresAt", iso(now.plus(Duration.ofDays(30)))))
                .then().statusCode(201).extract().jsonPath();
        String fresh = created.getString("secret");
        try {
            assertTrue(fresh.startsWith("default:development.v2_"), fresh);
            assertTrue(created.getString("replaces").startsWith("legacy-"), created.getString("replaces"));
            validate(BOOTSTRAP_BACKEND, fresh).body("tokens", hasSize(2));
        } finally {
            // The bootstrap secret is shared by other tests: back as it was.
            Db.rows(pool, "update api_tokens set expires_at = null, replaced_by = null where selector = $1",
                    created.getString("replaces"));
            Db.rows(pool, "delete from api_tokens where selector = $1", selector(fresh));
        }
    }

    // ------------------------------------------------------------------ personal access tokens

    private static Response rotatePat(String pat, Object id, Object body) {
        var request = RestAssured.given().header("Authorization", pat);
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.post("/api/admin/user/tokens/{id}/rotate", id);
    }

    @Test
    void aPatRotatesKeepingItsDescription() {
        clock.reset(); // the user signs in at the real time
        Users.TestUser user = Users.withRole("Editor");
        long oldId = as(user.pat()).get("/api/admin/user/tokens").then().extract().jsonPath().getLong("pats[0].id");
        Instant start = Instant.now();
        clock.freezeAt(start);
        JsonPath created = rotatePat(user.pat(), oldId, Map.of("oldExpiresAt", iso(start.plus(Duration.ofMinutes(10)))))
                .then().statusCode(201).extract().jsonPath();
        String fresh = created.getString("secret");
        assertTrue(fresh.startsWith("user:v2_"));
        assertEquals("test pat", created.getString("description"));
        assertEquals(oldId, created.getLong("replaces"));
        long newId = created.getLong("id");

        as(user.pat()).get("/api/admin/user").then().statusCode(200);
        as(fresh).get("/api/admin/user").then().statusCode(200);
        JsonPath list = as(fresh).get("/api/admin/user/tokens").then().statusCode(200).extract().jsonPath();
        assertEquals(newId, list.getLong("pats.find { it.id == " + oldId + " }.replacedBy"));
        assertEquals(oldId, list.getLong("pats.find { it.id == " + newId + " }.replaces"));
        // The description is the new PAT's now: a third one with it is refused.
        error(json(fresh, Map.of("description", "test pat", "expiresAt", iso(start.plus(Duration.ofDays(2)))))
                .post("/api/admin/user/tokens").then(), 409, "NameExistsError");

        clock.freezeAt(start.plus(Duration.ofMinutes(11)));
        error(as(user.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        as(fresh).get("/api/admin/user").then().statusCode(200);
        String events = admin().get("/api/admin/events?type=pat-rotated").then().extract().asString();
        assertFalse(events.contains(fresh) || events.contains(user.pat()));
    }

    @Test
    void onlyYourOwnPatAndAtTheLimit() {
        clock.reset();
        Users.TestUser owner = Users.withRole("Editor");
        Users.TestUser other = Users.withRole("Editor");
        long ownerPat = as(owner.pat()).get("/api/admin/user/tokens").then().extract().jsonPath().getLong("pats[0].id");
        error(rotatePat(other.pat(), ownerPat, null).then(), 404, "NotFoundError");
        error(rotatePat(owner.pat(), 999_999_999, null).then(), 404, "NotFoundError");
        error(rotatePat(owner.pat(), "abc", null).then(), 400, "BadDataError");
        error(rotatePat(ADMIN, ownerPat, null).then(), 403, "ForbiddenError");
        // At the limit of 10 PATs, a rotation still works (the replaced one does not take a place).
        for (int i = 1; i < 10; i++) {
            Users.createPat(owner.cookie(), "pat " + i);
        }
        rotatePat(owner.pat(), ownerPat, null).then().statusCode(201);
    }

    @Test
    void deletingAReplacementPatGivesThePlaceBackToItsPredecessorSoTheLimitHolds() {
        clock.reset(); // the user signs in at the real time
        Users.TestUser user = Users.withRole("Editor");
        long firstId = as(user.pat()).get("/api/admin/user/tokens").then().extract().jsonPath().getLong("pats[0].id");
        for (int i = 1; i < 10; i++) {
            Users.createPat(user.cookie(), "pat " + i);
        }
        Instant start = Instant.now();
        clock.freezeAt(start);
        // At the limit of 10: rotate with the longest overlap, then delete the replacement.
        long replacementId = rotatePat(user.pat(), firstId,
                Map.of("oldExpiresAt", iso(start.plus(Duration.ofDays(30)))))
                .then().statusCode(201).extract().jsonPath().getLong("id");
        as(user.pat()).delete("/api/admin/user/tokens/{id}", replacementId).then().statusCode(200);

        // The predecessor is no longer being replaced: it takes a place again, and an eleventh PAT is refused.
        Map<String, Object> eleventh = Map.of("description", "eleventh", "expiresAt",
                iso(start.plus(Duration.ofDays(2))));
        error(json(user.pat(), eleventh).post("/api/admin/user/tokens").then(), 403, "OperationDeniedError");
        JsonPath list = as(user.pat()).get("/api/admin/user/tokens").then().statusCode(200).extract().jsonPath();
        assertEquals(10, list.getList("pats").size());
        assertFalse(list.getMap("pats.find { it.id == " + firstId + " }").containsKey("replacedBy"), list.prettify());
        as(user.pat()).get("/api/admin/user").then().statusCode(200);

        // It holds its description again; another PAT's place is free once that one is deleted.
        long ninth = list.getLong("pats.find { it.description == 'pat 9' }.id");
        as(user.pat()).delete("/api/admin/user/tokens/{id}", ninth).then().statusCode(200);
        error(json(user.pat(), Map.of("description", "test pat", "expiresAt", iso(start.plus(Duration.ofDays(2)))))
                .post("/api/admin/user/tokens").then(), 409, "NameExistsError");
        json(user.pat(), eleventh).post("/api/admin/user/tokens").then().statusCode(201);
        error(json(user.pat(), Map.of("description", "twelfth", "expiresAt", iso(start.plus(Duration.ofDays(2)))))
                .post("/api/admin/user/tokens").then(), 403, "OperationDeniedError");
    }

    @Test
    void deletingTheMiddleOfAPatChainLinksTheFirstToTheLast() {
        clock.reset(); // the user signs in at the real time
        Users.TestUser user = Users.withRole("Editor");
        long firstId = as(user.pat()).get("/api/admin/user/tokens").then().extract().jsonPath().getLong("pats[0].id");
        Instant start = Instant.now();
        clock.freezeAt(start);
        JsonPath second = rotatePat(user.pat(), firstId, null).then().statusCode(201).extract().jsonPath();
        JsonPath third = rotatePat(second.getString("secret"), second.getLong("id"), null).then().statusCode(201)
                .extract().jsonPath();
        String last = third.getString("secret");
        as(last).delete("/api/admin/user/tokens/{id}", second.getLong("id")).then().statusCode(200);

        // The first is still replaced (by the last), so it takes no place and the description stays the last one's.
        JsonPath list = as(last).get("/api/admin/user/tokens").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(third.getLong("id"), firstId), list.getList("pats.id", Long.class));
        assertEquals(third.getLong("id"), list.getLong("pats.find { it.id == " + firstId + " }.replacedBy"));
        error(json(last, Map.of("description", "test pat", "expiresAt", iso(start.plus(Duration.ofDays(2)))))
                .post("/api/admin/user/tokens").then(), 409, "NameExistsError");
        error(as(user.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        as(last).get("/api/admin/user").then().statusCode(200);
    }

    @Test
    void rotatingAReplacementPatEndsItsPredecessorAtOnceAndAChainNeverHasMoreThanTwo() {
        clock.reset(); // the user signs in at the real time
        Users.TestUser user = Users.withRole("Editor");
        long firstId = as(user.pat()).get("/api/admin/user/tokens").then().extract().jsonPath().getLong("pats[0].id");
        Instant start = Instant.now();
        clock.freezeAt(start);
        List<String> secrets = new ArrayList<>(List.of(user.pat()));
        List<Long> ids = new ArrayList<>(List.of(firstId));
        // Beyond the limit of 10 PATs: rotation alone must never make more than two of a chain work.
        for (int i = 0; i < 12; i++) {
            JsonPath created = rotatePat(secrets.get(secrets.size() - 1), ids.get(ids.size() - 1), null)
                    .then().statusCode(201).extract().jsonPath();
            secrets.add(created.getString("secret"));
            ids.add(created.getLong("id"));
            if (secrets.size() >= 3) {
                // The one two back stops with this answer; the one just replaced keeps its overlap.
                error(as(secrets.get(secrets.size() - 3)).get("/api/admin/user").then(), 401, "UnauthorizedError");
            }
            as(secrets.get(secrets.size() - 2)).get("/api/admin/user").then().statusCode(200);
            as(secrets.get(secrets.size() - 1)).get("/api/admin/user").then().statusCode(200);
        }
        for (String secret : secrets.subList(0, secrets.size() - 2)) {
            error(as(secret).get("/api/admin/user").then(), 401, "UnauthorizedError");
        }
        assertEquals(2,
                Db.count(pool, "select count(*) from personal_access_tokens where user_id = $1 and expires_at > $2",
                        user.id(), start.atOffset(ZoneOffset.UTC)));
        // The listing says so too: every PAT but the last two has expired by now.
        JsonPath list = as(secrets.get(secrets.size() - 1)).get("/api/admin/user/tokens").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(13, list.getList("pats").size());
        assertEquals(start.truncatedTo(ChronoUnit.MILLIS),
                Instant.parse(list.getString("pats.find { it.id == " + ids.get(ids.size() - 3) + " }.expiresAt")));
    }
}
