package dev.flagward.credential;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** POST /api/admin/credentials/revoke-leaked with a mix of live, expired, unknown, foreign and malformed strings. */
@QuarkusTest
class LeakedSecretsTest {

    private static final String REVOKE = "/api/admin/credentials/revoke-leaked";

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    @Test
    void eachKindIsRevokedAndEverythingElseCounted() {
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        String live = (String) createToken(Map.of("tokenName", unique("leak"), "type", "backend")).get("secret");
        String expired = (String) createToken(Map.of("tokenName", unique("old"), "type", "backend",
                "expiresAt", iso(Instant.now().plusSeconds(600)))).get("secret");
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(1)))).put("/api/admin/api-tokens/{t}", expired)
                .then().statusCode(200);
        Users.TestUser user = Users.withRole("Editor");
        long endpoint = json(ADMIN, Map.of("name", unique("leak").toLowerCase())).post("/api/admin/signal-endpoints")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        String signal = json(ADMIN, Map.of("name", "ci")).post("/api/admin/signal-endpoints/" + endpoint + "/tokens")
                .then().statusCode(201).extract().path("token");
        String unknown = CredentialFormat.mint("*:development.").secret();
        String foreign = live.substring(0, live.length() - 1) + (live.endsWith("A") ? "B" : "A");
        // The live token's selector without its checksum tail: not a v2 shape, so a possible verbatim secret: unknown.
        String partOfALiveToken = live.substring(0, live.indexOf("v2_") + 26) + "x".repeat(43);

        List<String> secrets = List.of(live, expired, user.pat(), signal, unknown, foreign, "hello", user.cookie(),
                live,
                partOfALiveToken, "z".repeat(600));
        json(ADMIN, Map.of("secrets", secrets)).post(REVOKE).then().statusCode(200)
                .body("revoked", is(3)) // the API token, the PAT, the signal token
                .body("alreadyInactive", is(2)) // the expired token, and the live one listed twice
                .body("unknown", is(4)) // a well-formed secret of no credential, "hello", the session, the part
                .body("notOurs", is(2)); // a v2 shape with a failing checksum; longer than any secret

        // Stopped at once.
        validate(live).body("tokens", empty());
        error(as(user.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        error(RestAssured.given().header("Authorization", signal).contentType("application/json").body("{}")
                .post("/api/signal-endpoint/{n}",
                        Db.rows(pool, "select name from signal_endpoints where id = $1", endpoint)
                                .get(0).getString(0))
                .then(), 401, "UnauthorizedError");
        // Sessions are not revoked this way.
        RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user").then().statusCode(200);

        // One event per revoked credential, naming kind and identifier, never the secret.
        String events = as(ADMIN).get("/api/admin/events?type=credential-leak-revoked&limit=3").then().statusCode(200)
                .extract().asString();
        assertTrue(events.contains("api-token") && events.contains("personal-access-token")
                && events.contains("signal-endpoint-token"), events);
        for (String secret : List.of(live, user.pat(), signal)) {
            assertFalse(events.contains(secret));
            Db.assertSecretNotStored(pool, "events", secret);
        }
    }

    /**
     * What the four counts mean for strings that are not Flagward's: a foreign token such as GitHub's {@code ghp_…} is
     * {@code unknown}, not {@code notOurs}, because a bootstrap secret (INIT_*_API_TOKENS) may have any form, so any
     * string up to 512 characters that is not shaped like a v2 secret could be one and is looked up. {@code notOurs} is
     * only what cannot be ours without a lookup: a v2 shape whose checksum fails, or a string longer than any secret.
     */
    @Test
    void foreignTokensAreUnknownAndOnlyImpossibleStringsAreNotOurs() {
        String v2 = CredentialFormat.mint("*:development.").secret();
        String badChecksum = v2.substring(0, v2.length() - 1) + (v2.endsWith("A") ? "B" : "A");
        json(ADMIN, Map.of("secrets", List.of("ghp_abc", "ghp_" + "a1B2".repeat(9), "xoxb-123-456-abc", v2, badChecksum,
                "y".repeat(513)))).post(REVOKE).then().statusCode(200)
                .body("revoked", is(0)).body("alreadyInactive", is(0))
                .body("unknown", is(4)) // three foreign tokens (possible verbatim secrets), a v2 secret of no credential
                .body("notOurs", is(2)); // the failing checksum; longer than any verbatim secret
    }

    @Test
    void badRequests() {
        error(json(ADMIN, Map.of()).post(REVOKE).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("secrets", "abc")).post(REVOKE).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("secrets", List.of(""))).post(REVOKE).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("secrets", Collections.nCopies(1001, "x"))).post(REVOKE).then(), 400, "BadDataError");
        error(RestAssured.given().header("Authorization", ADMIN).contentType("application/json").body("{\"secrets\": [")
                .post(REVOKE).then(), 400, "BadDataError");
        error(RestAssured.given().contentType("application/json").body("{\"secrets\": []}").post(REVOKE).then(),
                401, "AuthenticationRequired");
        Users.TestUser editor = Users.withRole("Editor");
        error(json(editor.pat(), Map.of("secrets", List.of("x"))).post(REVOKE).then(), 403, "PermissionError");
        json(ADMIN, Map.of("secrets", List.of())).post(REVOKE).then().statusCode(200)
                .body("revoked", is(0)).body("notOurs", is(0));
        List<String> many = new ArrayList<>(
                Collections.nCopies(1000, "not-ours-v2_" + "A".repeat(22) + "_" + "A".repeat(43) + "AAAAAA"));
        json(ADMIN, Map.of("secrets", many)).post(REVOKE).then().statusCode(200).body("notOurs", is(1000));
    }
}
