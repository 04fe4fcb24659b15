package dev.flagward.apitoken;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static dev.flagward.support.EdgeSigning.CLIENT;
import static dev.flagward.support.EdgeSigning.OTHER_CLIENT;
import static dev.flagward.support.EdgeSigning.OTHER_SECRET;
import static dev.flagward.support.EdgeSigning.SECRET;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.CapturedLog;
import dev.flagward.support.Db;
import dev.flagward.support.EdgeSigning;
import dev.flagward.support.EdgeSigning.Signature;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Unleash's edgeCreateOrReturnTokens: Edge clients sign their requests (HMAC, as Enterprise Edge does) and get one
 * valid token per environment and projects, the same one on every call, from every client and replica, also when
 * calls race.
 */
@QuarkusTest
class EdgeIssueTokenTest {

    private static final String ISSUE = EdgeSigning.PATH;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    LicenseService license;
    @Inject
    CredentialCache cache;

    private long lastTokenBefore;

    @BeforeEach
    void markTokens() {
        lastTokenBefore = Db.count(pool, "select coalesce(max(id), 0) from api_tokens");
    }

    /** The instance's token limit (150 in tests) is shared by every test class: leave it as found. */
    @AfterEach
    void resetClockAndTokens() {
        clock.reset();
        Db.rows(pool, "delete from api_tokens where id > $1", lastTokenBefore);
    }

    private Signature sign(String body) {
        return sign(body, CLIENT, SECRET, clock.instant());
    }

    private static Signature sign(String body, String client, String secret, Instant at) {
        return EdgeSigning.sign(body, client, secret, at);
    }

    private Response issue(String body) {
        return sign(body).on(body).post(ISSUE);
    }

    private static String pairs(Object... environmentThenProjects) {
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (int i = 0; i < environmentThenProjects.length; i += 2) {
            tokens.add(Map.of("environment", environmentThenProjects[i], "projects", environmentThenProjects[i + 1]));
        }
        try {
            return JSON.writeValueAsString(Map.of("tokens", tokens));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String project() {
        String id = unique("edge");
        json(ADMIN, Map.of("id", id, "name", id)).post("/api/admin/projects").then().statusCode(201);
        return id;
    }

    @Test
    void aSignedRequestGetsAValidTokenPerPairStoredNowhereLoggedNever() {
        String project = project();
        String body = pairs("development", List.of("*"), "production", List.of(project));
        List<String> secrets;
        try (CapturedLog log = CapturedLog.open()) {
            var answer = issue(body).then().statusCode(200)
                    .body("tokens", hasSize(2))
                    .body("tokens[0].type", is("backend"))
                    .body("tokens[0].environment", is("development"))
                    .body("tokens[0].projects", contains("*"))
                    .body("tokens[1].environment", is("production"))
                    .body("tokens[1].projects", contains(project))
                    .extract().jsonPath();
            secrets = answer.getList("tokens.token");
            assertTrue(secrets.get(0).startsWith("*:development.v2_"), secrets.get(0));
            assertTrue(secrets.get(1).startsWith(project + ":production.v2_"), secrets.get(1));
            secrets.forEach(secret -> assertTrue(CredentialFormat.checksumMatches(secret)));
            validate(secrets.get(0), secrets.get(1)).body("tokens", hasSize(2));
            secrets.forEach(log::assertNoSecret);
        }
        // Ordinary tokens: listed (by identifier), with Unleash's names, made by the Edge client.
        admin().get("/api/admin/api-tokens/enterprise_edge_production_" + project).then()
                .body("tokens", hasSize(1))
                .body("tokens[0].secret", is(CredentialFormat.parse(secrets.get(1)).selector()))
                .body("tokens[0].type", is("backend"));
        admin().get("/api/admin/events?type=api-token-created&limit=2").then()
                .body("events.createdBy", hasItem("edge:" + CLIENT))
                .body("events.data.tokenName", hasItem("enterprise_edge_production_" + project));
        secrets.forEach(secret -> Db.assertSecretNotStoredAnywhere(pool, secret));
    }

    @Test
    void everyCallAndEveryClientGetsTheSameTokenForAPair() {
        String a = project();
        String b = project();
        String first = issue(pairs("development", List.of(a, b))).then().statusCode(200).extract()
                .path("tokens[0].token");
        String again = issue(pairs("development", List.of(b, a))).then().statusCode(200).extract()
                .path("tokens[0].token");
        String body = pairs("development", List.of(a, b));
        String otherClient = sign(body, OTHER_CLIENT, OTHER_SECRET, clock.instant()).on(body).post(ISSUE).then()
                .statusCode(200)
                .extract().path("tokens[0].token");
        assertEquals(first, again);
        assertEquals(first, otherClient);
        // The same pair twice in one request: one token.
        issue(pairs("development", List.of(a, b), "development", List.of(a, b))).then().statusCode(200)
                .body("tokens.token", contains(first, first));
        // Named as Unleash names them: the projects sorted, joined by "_".
        assertEquals(1, Db.count(pool, "select count(*) from api_tokens where token_name = $1",
                "enterprise_edge_development_" + String.join("_", Stream.of(a, b).sorted().toList())));
        // A narrower or wider scope is another pair.
        String narrower = issue(pairs("development", List.of(a))).then().statusCode(200).extract()
                .path("tokens[0].token");
        assertNotEquals(first, narrower);
        // More than three projects are named [] (as Unleash names them).
        String c = project();
        String d = project();
        issue(pairs("development", List.of(a, b, c, d))).then().statusCode(200);
        admin().get("/api/admin/api-tokens/enterprise_edge_development_[]").then().body("tokens.projects",
                hasItem(List.of(a, b, c, d)
                        .stream().sorted().toList()));
    }

    @Test
    void concurrentCallsFromSeveralEdgeInstancesGetOneTokenPerPair() throws Exception {
        String a = project();
        String b = project();
        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // Half ask (a, b), half (b, a): two requests that race over the same two pairs in opposite orders.
                String body = i % 2 == 0
                        ? pairs("development", List.of(a), "production", List.of(b))
                        : pairs("production", List.of(b), "development", List.of(a));
                boolean otherClient = i % 3 == 0;
                Signature signature = otherClient
                        ? sign(body, OTHER_CLIENT, OTHER_SECRET, clock.instant())
                        : sign(body);
                answers.add(pool8.submit(() -> {
                    start.await();
                    Response response = signature.on(body).post(ISSUE);
                    assertEquals(200, response.statusCode(), response.asString());
                    return response.jsonPath().getList("tokens.token");
                }));
            }
            start.countDown();
            Set<String> development = new HashSet<>();
            Set<String> production = new HashSet<>();
            for (int i = 0; i < answers.size(); i++) {
                List<String> tokens = answers.get(i).get(30, TimeUnit.SECONDS);
                development.add(i % 2 == 0 ? tokens.get(0) : tokens.get(1));
                production.add(i % 2 == 0 ? tokens.get(1) : tokens.get(0));
            }
            assertEquals(1, development.size(), "one token for (development, a)");
            assertEquals(1, production.size(), "one token for (production, b)");
            assertEquals(1, Db.count(pool, "select count(*) from api_tokens where token_name = $1",
                    "enterprise_edge_development_" + a));
            assertEquals(1, Db.count(pool, "select count(*) from api_tokens where token_name = $1",
                    "enterprise_edge_production_" + b));
            validate(development.iterator().next(), production.iterator().next()).body("tokens", hasSize(2));
            // Not by luck: the database refuses a second token for a pair, whoever writes it.
            long other = Db.count(pool, "select max(id) from api_tokens");
            RuntimeException refused = Assertions.assertThrows(RuntimeException.class, () -> Db.rows(pool,
                    "insert into edge_issued_tokens (environment, projects_key, token_id, client_id, issued_at) "
                            + "values ('development', $1, $2, 'sql', now())",
                    a, other));
            assertTrue(String.valueOf(refused.getMessage()).contains("edge_issued_tokens_pkey")
                    || String.valueOf(refused.getMessage()).contains("token_id_key"), refused.getMessage());
        } finally {
            pool8.shutdownNow();
        }
    }

    @Test
    void aSignedRequestIsAnsweredOnceEvenWhenItsCopiesRace() throws Exception {
        String body = pairs("development", List.of("default"));
        Signature signature = sign(body);
        ExecutorService four = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(four.submit(() -> {
                    start.await();
                    return signature.on(body).post(ISSUE).statusCode();
                }));
            }
            start.countDown();
            List<Integer> seen = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                seen.add(status.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, seen.stream().filter(s -> s == 200).count(), "statuses " + seen);
            assertEquals(3, seen.stream().filter(s -> s == 401).count(), "statuses " + seen);
        } finally {
            four.shutdownNow();
        }
        error(signature.on(body).post(ISSUE).then(), 401, "UnauthorizedError").body("message",
                containsString("Replay"));
    }

    @Test
    void onlyARegisteredEdgeClientsValidSignatureIsAccepted() {
        String body = pairs("development", List.of("*"));
        Signature good = sign(body);
        error(RestAssured.given().contentType(ContentType.JSON).body(body).post(ISSUE).then(), 401,
                "AuthenticationRequired");
        // An admin token, an SDK token or a session is no Edge signature (Unleash: "Missing HMAC authorization header").
        error(json(ADMIN, body).post(ISSUE).then(), 401, "UnauthorizedError");
        error(json("Bearer " + ADMIN, body).post(ISSUE).then(), 401, "UnauthorizedError");
        error(json(createSecret(Map.of()), body).post(ISSUE).then(), 401, "UnauthorizedError");
        // Each header is needed.
        error(RestAssured.given().contentType(ContentType.JSON).body(body).header("Authorization", good.authorization())
                .header("x-nonce", good.nonce()).header("content-sha256", good.bodyHash()).post(ISSUE).then(), 401,
                "UnauthorizedError")
                .body("message", containsString("Missing content headers"));
        error(new Signature(good.authorization(), good.timestamp(), good.nonce(), "nothex").on(body).post(ISSUE).then(),
                401, "UnauthorizedError");
        // A body other than the one hashed and signed.
        String other = pairs("production", List.of("*"));
        error(good.on(other).post(ISSUE).then(), 401, "UnauthorizedError").body("message", containsString("tampering"));
        // A hash of the other body, under the old signature.
        Signature forHash = sign(other);
        error(new Signature(good.authorization(), good.timestamp(), good.nonce(), forHash.bodyHash()).on(other)
                .post(ISSUE).then(),
                401, "UnauthorizedError").body("message", containsString("signature"));
        // Out of the 5-minute window, either way.
        error(sign(body, CLIENT, SECRET, clock.instant().minus(Duration.ofMinutes(6))).on(body).post(ISSUE).then(), 401,
                "UnauthorizedError").body("message", containsString("Stale"));
        error(sign(body, CLIENT, SECRET, clock.instant().plus(Duration.ofMinutes(6))).on(body).post(ISSUE).then(), 401,
                "UnauthorizedError");
        error(new Signature(good.authorization(), "yesterday", good.nonce(), good.bodyHash()).on(body).post(ISSUE)
                .then(), 401,
                "UnauthorizedError");
        // Another client's secret, an unknown client, a made-up signature.
        error(sign(body, OTHER_CLIENT, SECRET, clock.instant()).on(body).post(ISSUE).then(), 401, "UnauthorizedError");
        error(sign(body, "nobody", SECRET, clock.instant()).on(body).post(ISSUE).then(), 401, "UnauthorizedError");
        error(new Signature("HMAC " + CLIENT + ":AAAA", good.timestamp(), good.nonce(), good.bodyHash()).on(body)
                .post(ISSUE).then(),
                401, "UnauthorizedError");
        // The good one still works: none of the failures above used its nonce.
        good.on(body).post(ISSUE).then().statusCode(200).body("tokens", hasSize(1));
        assertEquals(0, Db.count(pool, "select count(*) from edge_request_nonces where client_id = 'nobody'"));
    }

    @Test
    void badInputFromASignedClientIsRefusedWithWhereItIsWrong() {
        error(issue("{\"tokens\": ").then(), 400, "BadDataError");
        error(issue("").then(), 400, "BadDataError").body("details[0].path", is("/body/tokens"));
        error(issue("{}").then(), 400, "BadDataError").body("details[0].path", is("/body/tokens"));
        error(issue("{\"tokens\": \"development\"}").then(), 400, "BadDataError");
        error(issue("{\"tokens\": [{\"environment\": 1, \"projects\": [\"*\"]}]}").then(), 400, "BadDataError");
        error(issue(pairs("*", List.of("*"))).then(), 400, "BadDataError").body("details[0].path",
                is("/body/tokens/0/environment"));
        error(issue(pairs("development", List.of())).then(), 400, "BadDataError").body("details[0].path",
                is("/body/tokens/0/projects"));
        error(issue(pairs("development", List.of("*"), "no-such-env", List.of("*"))).then(), 400, "BadDataError")
                .body("message", startsWith("Environment=no-such-env does not exist. Known: "))
                .body("details[0].path", is("/body/tokens/1/environment"));
        error(issue(pairs("development", List.of("no-such-project"))).then(), 400, "BadDataError")
                .body("message", is("Project=no-such-project does not exist"))
                .body("details[0].path", is("/body/tokens/0/projects"));
        // A failed request issues nothing, not even the pairs before the bad one.
        assertEquals(0, Db.count(pool, "select count(*) from api_tokens where id > $1", lastTokenBefore));
        String text = pairs("development", List.of("*"));
        error(sign(text).on(text).contentType(ContentType.TEXT).post(ISSUE).then(), 415, "ContentTypeError");
        issue("{\"tokens\": []}").then().statusCode(200).body("tokens", empty());
    }

    @Test
    void aTokenThatNoLongerWorksIsReplacedByTheNextCall() {
        String project = project();
        String body = pairs("development", List.of(project));
        String first = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        // Deleted by an admin: the next call issues another.
        admin().delete("/api/admin/api-tokens/{token}", first).then().statusCode(200);
        String second = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        assertNotEquals(first, second);
        validate(first).body("tokens", empty());
        // Revoked by expiry.
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(1)))).put("/api/admin/api-tokens/{t}", second)
                .then().statusCode(200);
        String third = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        assertNotEquals(second, third);
        // Rotated: its replacement's secret was never given to Edge, so Edge gets a token of its own again.
        json(ADMIN, Map.of()).post("/api/admin/api-tokens/{t}/rotate", third).then().statusCode(201);
        String fourth = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        assertNotEquals(third, fourth);
        assertEquals(fourth, issue(body).then().statusCode(200).extract().path("tokens[0].token"));
        validate(fourth).body("tokens", hasSize(1));
        assertEquals(1,
                Db.count(pool, "select count(*) from edge_issued_tokens e join api_tokens t on t.id = e.token_id "
                        + "where t.token_name = $1", "enterprise_edge_development_" + project));
    }

    /**
     * FLAGWARD_SECRETS_KEY changed (a suspected leak): the token issued under the old key must stop, since whoever holds
     * that key can derive its secret from the listed selector; the pair gets one live token again, not two.
     */
    @Test
    void aTokenIssuedUnderAnotherSecretsKeyIsEndedAndReplaced() {
        String project = project();
        String body = pairs("production", List.of(project));
        String issued = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        var parsed = CredentialFormat.parse(issued);
        // What the old key derived for this selector: the stored verifier is that secret's, as the cache knows it.
        byte[] otherKeysBytes = new byte[32];
        Arrays.fill(otherKeysBytes, (byte) 7);
        String underOldKey = CredentialFormat.assemble(parsed.prefix(), parsed.selector(), otherKeysBytes).secret();
        Db.rows(pool, "update api_tokens set verifier = decode($1, 'hex') where selector = $2",
                HexFormat.of().formatHex(CredentialFormat.verifier(underOldKey)), parsed.selector());
        cache.refresh("api", parsed.selector()).await().atMost(Duration.ofSeconds(5));
        validate(underOldKey).body("tokens", hasSize(1));

        String replacement = issue(body).then().statusCode(200).extract().path("tokens[0].token");
        assertNotEquals(issued, replacement);
        validate(underOldKey).body("tokens", empty());
        validate(replacement).body("tokens", hasSize(1));
        assertEquals(replacement, issue(body).then().statusCode(200).extract().path("tokens[0].token"));
        assertEquals(1, Db.count(pool, "select count(*) from api_tokens where token_name = $1 "
                + "and (expires_at is null or expires_at > now())", "enterprise_edge_production_" + project));
    }

    @Test
    void theLimitAndReadOnlyModeStopNewTokensNotIssuedOnes() {
        String project = project();
        String known = pairs("development", List.of(project));
        String issued = issue(known).then().statusCode(200).extract().path("tokens[0].token");
        String fresh = pairs("production", List.of(project));

        fillToTheLimit();
        error(issue(fresh).then(), 400, "ExceedsLimitError");
        issue(known).then().statusCode(200).body("tokens[0].token", is(issued));
        Db.rows(pool, "delete from api_tokens where token_name = 'limit-filler'");

        Licenses.remove(pool, license);
        try {
            json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                    Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
            clock.advance(Duration.ofDays(20));
            issue(known).then().statusCode(200).body("tokens[0].token", is(issued));
            error(issue(fresh).then(), 403, "LicenseError");
        } finally {
            clock.reset();
            Licenses.remove(pool, license);
        }
    }

    /** Fills the instance up to its token limit (150 in tests) with rows written directly: the limit counts rows. */
    private void fillToTheLimit() {
        Db.rows(pool,
                "insert into api_tokens (selector, verifier, token_name, type, environment, all_projects, created_at, created_by) "
                        + "select 'limitfiller' || lpad(g::text, 11, '0'), sha256(g::text::bytea), 'limit-filler', 'backend', "
                        + "'development', true, now(), 'test' from generate_series(1, greatest(0, 150 - (select count(*) from api_tokens))) g");
    }
}
