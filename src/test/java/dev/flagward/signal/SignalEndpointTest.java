package dev.flagward.signal;

import static dev.flagward.signal.Signals.ENDPOINTS;
import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The signal endpoints admin API (SPEC §6.1, §6.2) against PostgreSQL. */
@QuarkusTest
class SignalEndpointTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;

    @BeforeEach
    void licensedAndEmpty() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    @Test
    void endpointsAreCreatedListedUpdatedSwitchedAndDeleted() {
        String name = unique("alerts").toLowerCase();
        var created = json(ADMIN, Map.of("name", name, "description", "Datadog alerts")).post(ENDPOINTS).then()
                .statusCode(201)
                .body("name", is(name)).body("description", is("Datadog alerts")).body("enabled", is(true))
                .body("tokens", empty()).body("createdByUserId", nullValue())
                .body("url", endsWith("/api/signal-endpoint/" + name))
                .body("createdAt", Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .extract();
        long id = created.jsonPath().getLong("id");
        assertEquals(ENDPOINTS + "/" + id, created.header("Location"));
        assertTrue(created.path("url").toString().startsWith("http://"), created.path("url").toString());

        Signals.Endpoint older = Signals.create();
        admin().get(ENDPOINTS).then().statusCode(200)
                .body("signalEndpoints.id", is(List.of((int) older.id(), (int) id)))
                .body("signalEndpoints[0]", not(Matchers.hasKey("url")));

        String renamed = unique("renamed").toLowerCase();
        json(ADMIN, Map.of("name", renamed, "description", "changed", "enabled", false)).put(ENDPOINTS + "/" + id)
                .then()
                .statusCode(200).body("name", is(renamed)).body("enabled", is(false)).body("url", endsWith(renamed));
        admin().post(ENDPOINTS + "/" + id + "/on").then().statusCode(200).body("enabled", is(true));
        admin().post(ENDPOINTS + "/" + id + "/off").then().statusCode(200).body("enabled", is(false));
        // A PUT without enabled keeps it as it is.
        json(ADMIN, Map.of("name", renamed)).put(ENDPOINTS + "/" + id).then().statusCode(200)
                .body("enabled", is(false)).body("description", nullValue());

        admin().delete(ENDPOINTS + "/" + id).then().statusCode(200);
        error(admin().delete(ENDPOINTS + "/" + id).then(), 404, "NotFoundError");
        admin().get(ENDPOINTS).then().body("signalEndpoints.id", is(List.of((int) older.id())));

        List<String> types = Db.rows(pool, "select type from events where type like 'signal-endpoint-%' "
                + "and (data->>'id' = $1 or pre_data->>'id' = $1) order by id",
                String.valueOf(id)).stream().map(r -> r.getString(0)).toList();
        assertEquals(List.of("signal-endpoint-created", "signal-endpoint-updated", "signal-endpoint-updated",
                "signal-endpoint-updated", "signal-endpoint-updated", "signal-endpoint-deleted"), types);
    }

    @Test
    void namesAreValidatedAndUnique() {
        for (String bad : List.of("", "Upper", "has space", "dots.not", "x".repeat(101), "ünï")) {
            error(json(ADMIN, Map.of("name", bad)).post(ENDPOINTS).then(), 400, "BadDataError")
                    .body("details[0].path", is("/body/name"));
        }
        error(json(ADMIN, Map.of("description", "no name")).post(ENDPOINTS).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("name", 5)).post(ENDPOINTS).then(), 400, "BadDataError").body("details[0].path",
                is("/body/name"));
        error(json(ADMIN, Map.of("name", "ok", "enabled", "yes")).post(ENDPOINTS).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("name", "ok", "description", "d".repeat(1001))).post(ENDPOINTS).then(), 400,
                "BadDataError");
        Signals.Endpoint first = Signals.create();
        error(json(ADMIN, Map.of("name", first.name())).post(ENDPOINTS).then(), 409, "NameExistsError");
        Signals.Endpoint second = Signals.create();
        error(json(ADMIN, Map.of("name", first.name())).put(ENDPOINTS + "/" + second.id()).then(), 409,
                "NameExistsError");
        // Renaming to its own name is fine.
        json(ADMIN, Map.of("name", second.name())).put(ENDPOINTS + "/" + second.id()).then().statusCode(200);
    }

    @Test
    void fiftyConcurrentCreatesOfOneNameYieldExactlyOne() throws Exception {
        String name = unique("race").toLowerCase();
        ExecutorService pool50 = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> creates = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                creates.add(() -> json(ADMIN, Map.of("name", name)).post(ENDPOINTS).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool50.invokeAll(creates)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(49, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool50.shutdownNow();
        }
        assertEquals(1, Db.count(pool, "select count(*) from signal_endpoints where name = $1", name));
    }

    @Test
    void endpointAndTokenLimitsHold() {
        Signals.Endpoint first = null;
        for (int i = 0; i < 5; i++) {
            Signals.Endpoint endpoint = Signals.create();
            first = first == null ? endpoint : first;
        }
        error(json(ADMIN, Map.of("name", unique("six").toLowerCase())).post(ENDPOINTS).then(), 400,
                "ExceedsLimitError");
        for (int i = 0; i < 5; i++) {
            Signals.token(first);
        }
        error(json(ADMIN, Map.of("name", "sixth")).post(ENDPOINTS + "/" + first.id() + "/tokens").then(), 400,
                "ExceedsLimitError");
        assertEquals(5, Db.count(pool, "select count(*) from signal_endpoint_tokens where signal_endpoint_id = $1",
                first.id()));
    }

    @Test
    void tokensAreShownOnceNeverListedAndRevokedAtOnce() {
        Signals.Endpoint endpoint = Signals.create();
        String tokenName = unique("datadog");
        var created = json(ADMIN, Map.of("name", tokenName)).post(ENDPOINTS + "/" + endpoint.id() + "/tokens").then()
                .statusCode(201).body("name", is(tokenName)).body("signalEndpointId", is((int) endpoint.id()))
                .body("token", startsWith("signal_v2_")).extract();
        String secret = created.path("token");
        int tokenId = created.path("id");
        assertTrue(CredentialFormat.checksumMatches(secret));
        Db.assertSecretNotStored(pool, "signal_endpoint_tokens", secret);

        String list = admin().get(ENDPOINTS + "/" + endpoint.id() + "/tokens").then().statusCode(200)
                .body("signalEndpointTokens.id", is(List.of(tokenId)))
                .body("signalEndpointTokens[0]", not(Matchers.hasKey("token"))).extract().asString();
        String all = admin().get(ENDPOINTS).then().body("signalEndpoints[0].tokens[0].name", is(tokenName)).extract()
                .asString();
        assertFalse(list.contains(secret) || all.contains(secret));

        // Seed 003: the update answers id, name, signalEndpointId, createdAt, createdByUserId (no secret).
        json(ADMIN, Map.of("name", "renamed")).put(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId).then()
                .statusCode(200).body("id", is(tokenId)).body("name", is("renamed"))
                .body("signalEndpointId", is((int) endpoint.id()))
                .body("createdAt", is(created.path("createdAt").toString()))
                .body("$", Matchers.hasKey("createdByUserId")).body("$", not(Matchers.hasKey("token")));

        Signals.send(endpoint, secret, "{}").then().statusCode(202);
        admin().delete(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId).then().statusCode(200);
        error(Signals.send(endpoint, secret, "{}").then(), 401, "UnauthorizedError");
        error(admin().delete(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId).then(), 404, "NotFoundError");

        String events = admin().get("/api/admin/events?limit=20").asString();
        assertTrue(events.contains("signal-endpoint-token-created") && events.contains("signal-endpoint-token-updated")
                && events.contains("signal-endpoint-token-deleted"), events);
        assertFalse(events.contains(secret) || events.contains(secret.substring(33)));
    }

    @Test
    void idsThatDoNotMatchAre404AndIdsThatAreNotIdsAre400() {
        Signals.Endpoint a = Signals.create();
        Signals.Endpoint b = Signals.create();
        json(ADMIN, Map.of("name", "t")).post(ENDPOINTS + "/" + a.id() + "/tokens").then().statusCode(201);
        long tokenOfA = Db.count(pool, "select max(id) from signal_endpoint_tokens where signal_endpoint_id = $1",
                a.id());
        error(json(ADMIN, Map.of("name", "x")).put(ENDPOINTS + "/" + b.id() + "/tokens/" + tokenOfA).then(), 404,
                "NotFoundError");
        error(admin().delete(ENDPOINTS + "/" + b.id() + "/tokens/" + tokenOfA).then(), 404, "NotFoundError");
        for (String path : List.of("/999999", "/999999/tokens", "/999999/signals")) {
            error(admin().get(ENDPOINTS + path).then(), path.equals("/999999") ? 404 : 404, "NotFoundError");
        }
        error(json(ADMIN, Map.of("name", "x")).put(ENDPOINTS + "/999999").then(), 404, "NotFoundError");
        error(admin().post(ENDPOINTS + "/999999/on").then(), 404, "NotFoundError");
        error(admin().post(ENDPOINTS + "/999999/signing-secret").then(), 404, "NotFoundError");
        error(json(ADMIN, Map.of("name", "x")).post(ENDPOINTS + "/999999/tokens").then(), 404, "NotFoundError");
        for (String path : List.of("/abc", "/1.5", "/-1", "/0", "/abc/tokens", "/abc/signals")) {
            error(admin().get(ENDPOINTS + path + (path.contains("/t") || path.contains("/s") ? "" : "/tokens")).then(),
                    400, "BadDataError");
        }
        error(admin().delete(ENDPOINTS + "/" + a.id() + "/tokens/xyz").then(), 400, "BadDataError");
        for (String query : List.of("limit=0", "limit=1001", "limit=abc", "offset=-1")) {
            error(admin().get(ENDPOINTS + "/" + a.id() + "/signals?" + query).then(), 400, "BadDataError");
            error(admin().get("/api/admin/signals?" + query).then(), 400, "BadDataError");
        }
        for (String query : List.of("from=IS:2024-13-01", "to=yesterday", "from=IS:2024-02-01&to=IS:2024-01-01")) {
            error(admin().get("/api/admin/signals?" + query).then(), 400, "BadDataError");
        }
    }

    @Test
    void deletingAnEndpointDeletesItsTokensAndSignalsInOneGo() {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        Signals.send(endpoint, token, "{\"n\":1}").then().statusCode(202);
        admin().delete(ENDPOINTS + "/" + endpoint.id()).then().statusCode(200);
        assertEquals(0, Db.count(pool, "select count(*) from signal_endpoint_tokens where signal_endpoint_id = $1",
                endpoint.id()));
        assertEquals(0, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        error(Signals.send(endpoint, token, "{}").then(), 401, "UnauthorizedError");
    }

    @Test
    void onlyAdminsWithALicense() {
        Signals.Endpoint endpoint = Signals.create();
        var editor = Users.withRole("Editor");
        var viewer = Users.withRole("Viewer");
        String backend = createSecret(Map.of());
        for (String caller : List.of(editor.pat(), viewer.pat())) {
            error(as(caller).get(ENDPOINTS).then(), 403, "PermissionError");
            error(json(caller, Map.of("name", "x")).post(ENDPOINTS).then(), 403, "PermissionError");
        }
        error(as(backend).get(ENDPOINTS).then(), 403, "ForbiddenError");
        String token = Signals.token(endpoint);
        // A signal token is no key to the admin API.
        error(as(token).get(ENDPOINTS).then(), 401, "UnauthorizedError");
        error(RestAssured.get(ENDPOINTS).then(), 401, "AuthenticationRequired");

        Licenses.remove(pool, license);
        error(admin().get(ENDPOINTS).then(), 403, "LicenseError");
        error(admin().get("/api/admin/signals").then(), 403, "LicenseError");
        error(Signals.send(endpoint, token, "{}").then(), 403, "LicenseError");
        // Strangers learn nothing about the license: the token is checked first.
        error(Signals.send(endpoint, "signal_nonsense", "{}").then(), 401, "UnauthorizedError");
    }

    @Test
    void readOnlyModeKeepsReadsAndDeletes() {
        Licenses.remove(pool, license);
        json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        long tokenId = Db.count(pool, "select max(id) from signal_endpoint_tokens where signal_endpoint_id = $1",
                endpoint.id());
        clock.advance(Duration.ofDays(16));
        admin().get(ENDPOINTS).then().statusCode(200);
        admin().get(ENDPOINTS + "/" + endpoint.id() + "/tokens").then().statusCode(200);
        admin().get("/api/admin/signals").then().statusCode(200);
        error(json(ADMIN, Map.of("name", "nope")).post(ENDPOINTS).then(), 403, "LicenseError");
        error(admin().post(ENDPOINTS + "/" + endpoint.id() + "/off").then(), 403, "LicenseError");
        error(Signals.send(endpoint, token, "{}").then(), 403, "LicenseError");
        admin().delete(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId).then().statusCode(200);
        admin().delete(ENDPOINTS + "/" + endpoint.id()).then().statusCode(200);
    }

    @Test
    void signalsAreListedPerEndpointAndAcrossEndpointsNewestFirst() {
        Signals.Endpoint a = Signals.create();
        Signals.Endpoint b = Signals.create();
        String tokenA = Signals.token(a);
        String tokenB = Signals.token(b);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(Signals.send(a, tokenA, "{\"n\":" + i + "}").then().statusCode(202).extract().path("id"));
        }
        int fromB = Signals.send(b, tokenB, null).then().statusCode(202).extract().path("id");
        admin().get(ENDPOINTS + "/" + a.id() + "/signals").then().statusCode(200)
                .body("signalEndpointSignals.id", is(List.of(ids.get(2), ids.get(1), ids.get(0))))
                .body("signalEndpointSignals[0].payload.n", is(2))
                .body("signalEndpointSignals[0].source", is("signal-endpoint"))
                .body("signalEndpointSignals[0].sourceId", is((int) a.id()))
                .body("signalEndpointSignals[0].tokenName", startsWith("token-"));
        admin().get(ENDPOINTS + "/" + a.id() + "/signals?limit=1&offset=1").then()
                .body("signalEndpointSignals.id", is(List.of(ids.get(1))));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        admin().get("/api/admin/signals?from=IS:" + today + "&to=IS:" + today + "&limit=2").then().statusCode(200)
                .body("total", is(4)).body("signals", hasSize(2))
                .body("signals[0].id", is(fromB)).body("signals[0].payload", is(Map.of()))
                .body("signals[0].sourceName", is(b.name())).body("signals[0].sourceDescription", is("from a test"))
                .body("signals[0].createdBySourceTokenId", Matchers.notNullValue())
                .body("signals[1].id", is(ids.get(2)));
        admin().get("/api/admin/signals?to=IS:2000-01-01").then().body("total", is(0)).body("signals", empty());
    }
}
