package dev.flagward.security.access;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.RawHttp;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
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

/**
 * SPEC §2: access decisions come from the matched resource method, never from the raw path. In read-only mode (an
 * expired license past its grace period) one write is sent under every spelling of its path that a server might
 * route to the same method; each is refused by the rule or not routed at all, and nothing is written. A revocation,
 * spelled the same odd ways, still goes through: the rule, not the spelling, decides.
 */
@QuarkusTest
class PathSpellingTest {

    private static final List<String> SPELLINGS = List.of(
            "/api/admin/api-tokens", "//api/admin/api-tokens", "/api//admin/api-tokens", "/api/admin//api-tokens",
            "///api///admin///api-tokens", "/./api/admin/api-tokens", "/api/./admin/api-tokens",
            "/api/admin/./api-tokens", "/api/x/../admin/api-tokens", "/x/../api/admin/api-tokens",
            "/api/admin/api-tokens/", "/api/admin/api-tokens/.", "/api/admin/api-tokens//",
            "/%61pi/admin/api-tokens", "/api/%61dmin/api-tokens", "/api/admin/%61pi-tokens", "/api/admin/api%2Dtokens",
            "/api/admin/api%2dtokens", "/%2Fapi/admin/api-tokens", "/api%2Fadmin/api-tokens",
            "/api/admin%2F%2Fapi-tokens",
            "/api/admin/%2E/api-tokens", "/api/admin/api-tokens%2F", "/API/admin/api-tokens", "/api/ADMIN/api-tokens",
            "/Api/Admin/Api-Tokens", "/api/admin/API-TOKENS", "/api/admin/api-tokens?x=1", "/api/admin/api-tokens;x=1",
            "/api/admin/api-tokens#frag", "/api/admin/api-tokens%00", "http://localhost/api/admin/api-tokens");

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;

    @BeforeEach
    void readOnly() {
        Licenses.remove(pool, license);
        json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
        clock.advance(Duration.ofDays(16));
        assertTrue(license.readOnly());
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Licenses.remove(pool, license);
    }

    @Test
    void aWriteIsRefusedUnderEverySpellingOfItsPath() throws Exception {
        List<String> admitted = new ArrayList<>();
        for (String path : SPELLINGS) {
            String name = "spelling-" + Math.abs(path.hashCode());
            RawHttp.Answer answer = RawHttp.send(RestAssured.port, "POST", path,
                    Map.of("Authorization", ADMIN, "Content-Type", "application/json"),
                    "{\"tokenName\":\"" + name + "\",\"type\":\"backend\"}");
            boolean refusedByRule = answer.status() == 403 && answer.body().contains("\"LicenseError\"");
            boolean notRouted = answer.status() == 404 || answer.status() == 400;
            if (!refusedByRule && !notRouted) {
                admitted.add(path + " -> " + answer.status() + " " + answer.body());
            }
            assertEquals(0, Db.count(pool, "select count(*) from api_tokens where token_name = $1", name), path);
        }
        assertTrue(admitted.isEmpty(), "admitted in read-only mode:\n" + String.join("\n", admitted));
    }

    @Test
    void aRevocationGoesThroughHoweverItsPathIsSpelled() throws Exception {
        clock.reset();
        List<String> selectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            selectors.add((String) createToken(Map.of()).get("secret"));
        }
        clock.advance(Duration.ofDays(16));
        List<String> paths = List.of("//api/admin/api-tokens/", "/api/%61dmin/api-tokens/",
                "/api/x/../admin/api-tokens/");
        for (int i = 0; i < paths.size(); i++) {
            String secret = selectors.get(i);
            String selector = secret.substring(secret.indexOf("v2_") + 3, secret.indexOf("v2_") + 25);
            RawHttp.Answer answer = RawHttp.send(RestAssured.port, "DELETE", paths.get(i) + selector,
                    Map.of("Authorization", ADMIN), null);
            assertEquals(200, answer.status(), paths.get(i) + ": " + answer.body());
            assertEquals(0, Db.count(pool, "select count(*) from api_tokens where selector = $1", selector));
        }
    }
}
