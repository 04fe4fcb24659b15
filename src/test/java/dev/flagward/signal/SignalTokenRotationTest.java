package dev.flagward.signal;

import static dev.flagward.signal.Signals.ENDPOINTS;
import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rotation with overlap of signal endpoint tokens. */
@QuarkusTest
class SignalTokenRotationTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;

    @BeforeEach
    void licensed() {
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        // At most 5 endpoints: start from none, as the other signal tests do.
        Db.rows(pool, "delete from signal_endpoints");
    }

    @AfterEach
    void reset() {
        clock.reset();
        Db.rows(pool, "delete from signal_endpoints");
    }

    private static JsonPath rotate(Signals.Endpoint endpoint, long tokenId) {
        return RestAssured.given().header("Authorization", ADMIN)
                .post(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId + "/rotate")
                .then().statusCode(201).extract().jsonPath();
    }

    @Test
    void rotatingAReplacementEndsItsPredecessorAtOnceAndAChainNeverHasMoreThanTwo() {
        Signals.Endpoint endpoint = Signals.create();
        List<String> secrets = new ArrayList<>(List.of(Signals.token(endpoint)));
        List<Long> ids = new ArrayList<>(List.of(RestAssured.given().header("Authorization", ADMIN)
                .get(ENDPOINTS + "/" + endpoint.id() + "/tokens").then().extract().jsonPath()
                .getLong("signalEndpointTokens[0].id")));
        // Beyond the limit of 5 tokens per endpoint: rotation alone must never make more than two of a chain work.
        for (int i = 0; i < 7; i++) {
            JsonPath created = rotate(endpoint, ids.get(ids.size() - 1));
            secrets.add(created.getString("token"));
            ids.add(created.getLong("id"));
            if (secrets.size() >= 3) {
                // The one two back stops with this answer (default overlap: it had 24 hours left).
                error(Signals.send(endpoint, secrets.get(secrets.size() - 3), "{}").then(), 401, "UnauthorizedError");
            }
            Signals.send(endpoint, secrets.get(secrets.size() - 2), "{}").then().statusCode(202);
            Signals.send(endpoint, secrets.get(secrets.size() - 1), "{}").then().statusCode(202);
        }
        for (String secret : secrets.subList(0, secrets.size() - 2)) {
            error(Signals.send(endpoint, secret, "{}").then(), 401, "UnauthorizedError");
        }
        assertEquals(2, Db.count(pool, "select count(*) from signal_endpoint_tokens where signal_endpoint_id = $1 "
                + "and (expires_at is null or expires_at > now())", endpoint.id()));
        JsonPath event = RestAssured.given().header("Authorization", ADMIN)
                .get("/api/admin/events?type=signal-endpoint-token-rotated&limit=1").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(ids.get(ids.size() - 3).longValue(), event.getLong("events[0].data.endedOverlapOf"));
    }

    @Test
    void deletingAReplacementTokenGivesThePlaceBackToItsPredecessorSoTheLimitHolds() {
        Signals.Endpoint endpoint = Signals.create();
        String first = Signals.token(endpoint);
        long firstId = RestAssured.given().header("Authorization", ADMIN)
                .get(ENDPOINTS + "/" + endpoint.id() + "/tokens")
                .then().extract().jsonPath().getLong("signalEndpointTokens[0].id");
        for (int i = 1; i < 5; i++) {
            Signals.token(endpoint);
        }
        Instant now = Instant.now();
        clock.freezeAt(now);
        // At the limit of 5: rotate with the longest overlap, then delete the replacement.
        long replacementId = RestAssured.given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("oldExpiresAt", iso(now.plus(Duration.ofDays(30)))))
                .post(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + firstId + "/rotate")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        RestAssured.given().header("Authorization", ADMIN)
                .delete(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + replacementId).then().statusCode(200);

        // The predecessor is no longer being replaced: it takes a place again, and a sixth token is refused.
        error(json(ADMIN, Map.of("name", "sixth")).post(ENDPOINTS + "/" + endpoint.id() + "/tokens").then(),
                400, "ExceedsLimitError");
        JsonPath tokens = RestAssured.given().header("Authorization", ADMIN)
                .get(ENDPOINTS + "/" + endpoint.id() + "/tokens")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(5, tokens.getList("signalEndpointTokens").size());
        assertFalse(tokens.getMap("signalEndpointTokens.find { it.id == " + firstId + " }").containsKey("replacedBy"),
                tokens.prettify());
        // It still works until its overlap ends.
        Signals.send(endpoint, first, "{}").then().statusCode(202);
    }

    @Test
    void aSignalTokenRotatesWithOverlap() {
        Signals.Endpoint endpoint = Signals.create();
        String old = Signals.token(endpoint);
        long oldId = RestAssured.given().header("Authorization", ADMIN).get(ENDPOINTS + "/" + endpoint.id() + "/tokens")
                .then().extract().jsonPath().getLong("signalEndpointTokens[0].id");
        Instant now = Instant.now();
        clock.freezeAt(now);

        JsonPath created = RestAssured.given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("oldExpiresAt", iso(now.plus(Duration.ofMinutes(5)))))
                .post(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + oldId + "/rotate")
                .then().statusCode(201).extract().jsonPath();
        String fresh = created.getString("token");
        assertTrue(fresh.startsWith("signal_v2_"), fresh);
        assertEquals(oldId, created.getLong("replaces"));
        long newId = created.getLong("id");

        Signals.send(endpoint, old, "{\"a\":1}").then().statusCode(202);
        Signals.send(endpoint, fresh, "{\"a\":2}").then().statusCode(202);
        JsonPath tokens = RestAssured.given().header("Authorization", ADMIN)
                .get(ENDPOINTS + "/" + endpoint.id() + "/tokens")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(newId, tokens.getLong("signalEndpointTokens.find { it.id == " + oldId + " }.replacedBy"));
        assertEquals(oldId, tokens.getLong("signalEndpointTokens.find { it.id == " + newId + " }.replaces"));

        clock.freezeAt(now.plus(Duration.ofMinutes(6)));
        error(Signals.send(endpoint, old, "{\"a\":3}").then(), 401, "UnauthorizedError");
        Signals.send(endpoint, fresh, "{\"a\":4}").then().statusCode(202);

        // Unknown token or endpoint → 404; bad overlap → 400.
        error(RestAssured.given().header("Authorization", ADMIN)
                .post(ENDPOINTS + "/" + endpoint.id() + "/tokens/999999/rotate")
                .then(), 404, "NotFoundError");
        error(RestAssured.given().header("Authorization", ADMIN).post(ENDPOINTS + "/999999/tokens/" + newId + "/rotate")
                .then(), 404, "NotFoundError");
        error(RestAssured.given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("oldExpiresAt", iso(clock.instant().plus(Duration.ofDays(40)))))
                .post(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + newId + "/rotate").then(), 400, "BadDataError");
    }
}
