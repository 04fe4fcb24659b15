package dev.flagward.apitoken;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.tampered;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.authentication.SeenAtWriter;
import dev.flagward.security.authentication.SeenTracker;
import dev.flagward.support.Api;
import dev.flagward.support.Db;
import dev.flagward.support.Eventually;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.hamcrest.MatcherAssert;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

@QuarkusTest
class ApiTokenResourceTest {

    private static final String TOKENS = "/api/admin/api-tokens";

    @Inject
    Pool pool;
    @Inject
    TestClock clock;
    @Inject
    SeenTracker seen;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static String selectorOf(String secret) {
        return CredentialFormat.parse(secret).selector();
    }

    @Test
    void createWithDefaultsShowsTheSecretOnceAndStoresOnlyItsHash() {
        String name = unique("defaults");
        var response = json(ADMIN, Map.of("tokenName", name, "type", "backend")).post(TOKENS).then()
                .statusCode(201)
                .header("Location", "api-tokens")
                .body("tokenName", is(name))
                .body("type", is("backend"))
                .body("environment", is("development"))
                .body("projects", contains("*"))
                .body("project", is("*"))
                .body("expiresAt", nullValue())
                .body("seenAt", nullValue())
                .body("alias", nullValue())
                .body("secure", is(true))
                .body("createdAt", Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .extract().jsonPath();
        String secret = response.getString("secret");
        assertTrue(secret.startsWith("*:development.v2_"), secret);
        assertTrue(CredentialFormat.checksumMatches(secret));

        List<Row> rows = Db.rows(pool, "select * from api_tokens where token_name = $1", name);
        assertEquals(1, rows.size());
        Row row = rows.get(0);
        assertArrayEquals(CredentialFormat.verifier(secret), row.getBuffer("verifier").getBytes());
        assertEquals(selectorOf(secret), row.getString("selector"));
        Db.assertSecretNotStored(pool, "api_tokens", secret);
        // Listed and fetched by name without the secret.
        String body = admin().get(TOKENS).then().statusCode(200).extract().asString();
        assertFalse(body.contains(secret));
        assertFalse(body.contains(ADMIN));
        admin().get(TOKENS + "/" + name).then().statusCode(200)
                .body("tokens", hasSize(1))
                .body("tokens[0].secret", is(selectorOf(secret)));
    }

    @Test
    void typeIsCaseInsensitiveAndTheSecretCarriesTheScope() {
        var frontend = createToken(Map.of("type", "FRONTEND", "environment", "production"));
        assertEquals("frontend", frontend.get("type"));
        assertTrue(((String) frontend.get("secret")).startsWith("*:production.v2_"));

        var client = createToken(Map.of("type", "Client", "projects", List.of("default")));
        assertEquals("client", client.get("type"));
        assertEquals(List.of("default"), client.get("projects"));
        assertTrue(((String) client.get("secret")).startsWith("default:development.v2_"));
    }

    @Test
    void singularProjectIsNeverWidened() {
        var token = createToken(Map.of("project", "default"));
        assertEquals(List.of("default"), token.get("projects"));
        assertEquals("default", token.get("project"));
        // The same project given both ways is fine; two different ones are refused.
        createToken(Map.of("project", "default", "projects", List.of("default")));
        error(json(ADMIN, Map.of("tokenName", unique("x"), "type", "backend", "project", "default",
                "projects", List.of("*"))).post(TOKENS).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/project"));
    }

    @Test
    void severalProjectsUseTheBracketPrefix() {
        String project = unique("multi");
        json(ADMIN, Map.of("id", project, "name", project)).post("/api/admin/projects").then().statusCode(201);
        var token = createToken(Map.of("projects", List.of(project, "default")));
        assertTrue(((String) token.get("secret")).startsWith("[]:development.v2_"));
        assertEquals(List.of("default", project).stream().sorted().toList(), token.get("projects"));
        assertEquals(String.join(",", List.of("default", project).stream().sorted().toList()), token.get("project"));
    }

    @Test
    void invalidCreateRequestsAreRefusedWithTheFieldPath() {
        Object[][] cases = {
                {Map.of("type", "backend"), "/body/tokenName"},
                {Map.of("tokenName", "", "type", "backend"), "/body/tokenName"},
                {Map.of("tokenName", "   ", "type", "backend"), "/body/tokenName"},
                {Map.of("tokenName", "x".repeat(256), "type", "backend"), "/body/tokenName"},
                {Map.of("tokenName", unique("t")), "/body/type"},
                {Map.of("tokenName", unique("t"), "type", "bogus"), "/body/type"},
                {Map.of("tokenName", unique("t"), "type", "admin"), "/body/type"},
                {Map.of("tokenName", unique("t"), "type", "backend", "projects", List.of()), "/body/projects"},
                {Map.of("tokenName", unique("t"), "type", "backend", "projects", List.of("")), "/body/projects"},
                {Map.of("tokenName", unique("t"), "type", "backend", "expiresAt", "not-a-date"), "/body/expiresAt"},
                {Map.of("tokenName", unique("t"), "type", "backend", "expiresAt", "2030-01-01"), "/body/expiresAt"},
                {Map.of("tokenName", unique("t"), "type", "backend", "expiresAt", 1893456000000L), "/body/expiresAt"},
                {Map.of("tokenName", unique("t"), "type", "backend", "expiresAt", "2001-01-01T00:00:00Z"),
                        "/body/expiresAt"},
                {Map.of("tokenName", unique("t"), "type", "backend", "environment", "*"), "/body/environment"},
                {Map.of("tokenName", unique("t"), "type", "frontend", "environment", "no-such-env"),
                        "/body/environment"},
                {Map.of("tokenName", unique("t"), "type", "backend", "projects", List.of("default", "no-such-project")),
                        "/body/projects"},
                {Map.of("tokenName", 123, "type", "backend"), "/body/tokenName"},
                {Map.of("tokenName", unique("t"), "type", true), "/body/type"},
                {Map.of("tokenName", unique("t"), "type", "backend", "projects", "default"), "/body/projects"},
                {Map.of("tokenName", unique("t"), "type", "backend", "projects", List.of(1, 2)), "/body/projects/0"},
                {Map.of("tokenName", List.of("a"), "type", "backend"), "/body/tokenName"},
        };
        long before = Db.count(pool, "select count(*) from api_tokens");
        long eventsBefore = Db.count(pool, "select count(*) from events");
        for (Object[] c : cases) {
            error(json(ADMIN, c[0]).post(TOKENS).then(), 400, "BadDataError")
                    .body("details.path", Matchers.hasItem((String) c[1]));
        }
        assertEquals(before, Db.count(pool, "select count(*) from api_tokens"), "a refused request wrote a token");
        assertEquals(eventsBefore, Db.count(pool, "select count(*) from events"), "a refused request wrote an event");
    }

    @Test
    void unknownScopesAreNamedInTheMessage() {
        // Unleash's words first, then the environments that would work.
        String message = error(
                json(ADMIN, Map.of("tokenName", unique("t"), "type", "frontend", "environment", "nowhere"))
                        .post(TOKENS).then(),
                400, "BadDataError")
                .body("message", Matchers.startsWith("Environment=nowhere does not exist. Known: "))
                .body("details[0].path", is("/body/environment"))
                .extract().jsonPath().getString("message");
        List<String> known = List.of(message.substring(message.indexOf("Known: ") + 7).split(", "));
        assertEquals(admin().get("/api/admin/environments").then().statusCode(200).extract().jsonPath()
                .getList("environments.name", String.class), known);
        assertTrue(known.containsAll(List.of("development", "production")), message);
        error(json(ADMIN, Map.of("tokenName", unique("t"), "type", "backend", "projects", List.of("nope"))).post(TOKENS)
                .then(),
                400, "BadDataError").body("message", is("Project=nope does not exist"));
    }

    @Test
    void malformedBodiesAndContentTypes() {
        for (String raw : new String[]{"hello world", "{\"tokenName\": \"x\", ", "[]", "\"text\"", "42", "null",
                "{\"tokenName\":\"x\",\"type\":\"backend\"} trailing"}) {
            error(as(ADMIN).contentType(ContentType.JSON).body(raw).post(TOKENS).then(), 400, "BadDataError");
        }
        error(as(ADMIN).contentType(ContentType.TEXT).body("{\"tokenName\":\"x\",\"type\":\"backend\"}").post(TOKENS)
                .then(),
                415, "ContentTypeError");
        error(as(ADMIN).body("{\"tokenName\":\"x\",\"type\":\"backend\"}".getBytes(StandardCharsets.UTF_8)).post(TOKENS)
                .then(),
                415, "ContentTypeError");
        as(ADMIN).contentType("application/json; charset=utf-8")
                .body(Map.of("tokenName", unique("cs"), "type", "backend"))
                .post(TOKENS).then().statusCode(201);
        // Unknown properties are ignored.
        json(ADMIN, Map.of("tokenName", unique("extra"), "type", "backend", "color", "blue")).post(TOKENS).then()
                .statusCode(201);
    }

    @Test
    void oversizeBodiesAre413WithOrWithoutALength() {
        Map<String, Object> big = Map.of("tokenName", "x".repeat(200_000), "type", "backend");
        error(json(ADMIN, big).post(TOKENS).then(), 413, "PayloadTooLargeError");
        // Chunked: no Content-Length, counted while reading.
        var stream = new ByteArrayInputStream(("{\"tokenName\":\"" + "x".repeat(200_000) + "\",\"type\":\"backend\"}")
                .getBytes(StandardCharsets.UTF_8));
        error(as(ADMIN).contentType(ContentType.JSON).body(stream).post(TOKENS).then(), 413, "PayloadTooLargeError");
    }

    @Test
    void checkOrderIsAuthenticationPermissionContentTypeBody() {
        String backend = createSecret(Map.of());
        error(as(null).contentType(ContentType.TEXT).body("nonsense").post(TOKENS).then(), 401,
                "AuthenticationRequired");
        error(as("*:*.wrong").contentType(ContentType.TEXT).body("nonsense").post(TOKENS).then(), 401,
                "UnauthorizedError");
        error(as(backend).contentType(ContentType.TEXT).body("nonsense").post(TOKENS).then(), 403, "ForbiddenError");
        error(as(ADMIN).contentType(ContentType.TEXT).body("nonsense").post(TOKENS).then(), 415, "ContentTypeError");
        error(as(ADMIN).contentType(ContentType.JSON).body("nonsense").post(TOKENS).then(), 400, "BadDataError");
    }

    @Test
    void getByNameReturnsExactMatchesOnly() {
        String name = unique("byname");
        String first = (String) createToken(Map.of("tokenName", name)).get("secret");
        String second = (String) createToken(Map.of("tokenName", name, "type", "frontend")).get("secret");
        createToken(Map.of("tokenName", name + "-other"));
        admin().get(TOKENS + "/" + name).then().statusCode(200).body("tokens", hasSize(2))
                .body("tokens.tokenName", Matchers.everyItem(is(name)))
                .body("tokens.secret", contains(selectorOf(second), selectorOf(first)));
        admin().get(TOKENS + "/" + unique("none")).then().statusCode(200).body("tokens", empty());
        // The name index follows deletions down to nothing and back.
        admin().delete(TOKENS + "/{t}", selectorOf(second)).then().statusCode(200);
        admin().get(TOKENS + "/" + name).then().body("tokens.secret", contains(selectorOf(first)));
        admin().delete(TOKENS + "/{t}", selectorOf(first)).then().statusCode(200);
        admin().get(TOKENS + "/" + name).then().body("tokens", empty());
        String third = (String) createToken(Map.of("tokenName", name)).get("secret");
        admin().get(TOKENS + "/" + name).then().body("tokens.secret", contains(selectorOf(third)));
    }

    @Test
    void listIsNewestFirst() {
        String first = (String) createToken(Map.of()).get("tokenName");
        String second = (String) createToken(Map.of()).get("tokenName");
        List<String> names = admin().get(TOKENS).then().statusCode(200).extract().jsonPath()
                .getList("tokens.tokenName");
        assertTrue(names.indexOf(second) < names.indexOf(first), names.toString());
    }

    @Test
    void updateByFullSecretOrSelector() {
        var token = createToken(Map.of());
        String secret = (String) token.get("secret");
        String when = iso(Instant.now().plus(10, ChronoUnit.DAYS));
        json(ADMIN, Map.of("expiresAt", when)).put(TOKENS + "/{token}", secret).then().statusCode(200).body(is(""));
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].expiresAt", is(when));

        // An offset is accepted and normalised to UTC.
        json(ADMIN, Map.of("expiresAt", "2031-09-04T11:26:24+02:00")).put(TOKENS + "/{token}", selectorOf(secret))
                .then().statusCode(200);
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].expiresAt",
                is("2031-09-04T09:26:24.000Z"));

        error(json(ADMIN, Map.of()).put(TOKENS + "/{token}", selectorOf(secret)).then(), 400, "BadDataError")
                .body("details[0].path", is("/body/expiresAt"));
        error(json(ADMIN, Map.of("expiresAt", "soon")).put(TOKENS + "/{token}", selectorOf(secret)).then(), 400,
                "BadDataError");
        error(as(ADMIN).contentType(ContentType.TEXT).body("{}").put(TOKENS + "/{token}", selectorOf(secret)).then(),
                415, "ContentTypeError");
        // Unknown token: 200 and nothing changes.
        long events = Db.count(pool, "select count(*) from events");
        json(ADMIN, Map.of("expiresAt", when)).put(TOKENS + "/doesnotexist").then().statusCode(200);
        assertEquals(events, Db.count(pool, "select count(*) from events"));
    }

    @Test
    void expiringInThePastRevokesAtOnce() {
        String secret = createSecret(Map.of());
        validate(secret).body("tokens", hasSize(1));
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(60)))).put(TOKENS + "/{token}", secret).then()
                .statusCode(200);
        validate(secret).body("tokens", empty());
        var event = Db.rows(pool, "select data::text, pre_data::text from events where type = 'api-token-updated' "
                + "and data->>'secret' = $1", selectorOf(secret));
        assertEquals(1, event.size());
        assertFalse(event.get(0).getString(0).contains(secret));
    }

    @Test
    void expiryIsCheckedOnEveryRequestAgainstTheClock() {
        String secret = createSecret(Map.of("expiresAt", iso(Instant.now().plus(1, ChronoUnit.HOURS))));
        validate(secret).body("tokens", hasSize(1));
        clock.advance(Duration.ofHours(2));
        validate(secret).body("tokens", empty());
        clock.reset();
        validate(secret).body("tokens", hasSize(1));
    }

    @Test
    void deleteBySecretOrSelectorStopsTheTokenAtOnce() {
        String bySecret = createSecret(Map.of());
        String bySelector = createSecret(Map.of());
        validate(bySecret, bySelector).body("tokens", hasSize(2));
        admin().delete(TOKENS + "/{token}", bySecret).then().statusCode(200).body(is(""));
        validate(bySecret).body("tokens", empty());
        admin().delete(TOKENS + "/{token}", selectorOf(bySelector)).then().statusCode(200);
        validate(bySelector).body("tokens", empty());
        assertEquals(0, Db.count(pool, "select count(*) from api_tokens where selector in ($1, $2)",
                selectorOf(bySecret), selectorOf(bySelector)));
        // Unknown and repeated deletes are 200.
        admin().delete(TOKENS + "/{token}", selectorOf(bySecret)).then().statusCode(200);
        admin().delete(TOKENS + "/never-existed").then().statusCode(200);
        // The event keeps what was deleted, without the secret.
        var events = Db.rows(pool,
                "select pre_data::text from events where type = 'api-token-deleted' and pre_data->>'secret' = $1",
                selectorOf(bySecret));
        assertEquals(1, events.size());
        assertFalse(events.get(0).getString(0).contains(bySecret));
    }

    @Test
    void aChangeMadeByAnotherReplicaReachesThisOneThroughNotify() throws Exception {
        String secret = createSecret(Map.of());
        validate(secret).body("tokens", hasSize(1));
        // Delete behind the application's back, as another replica would: only the database's NOTIFY tells us.
        Db.rows(pool, "delete from api_tokens where selector = $1", selectorOf(secret));
        Eventually.within(Duration.ofSeconds(1)).alias("the revocation arrives within 1 s")
                .until(() -> validate(secret).extract().jsonPath().getList("tokens").isEmpty());
    }

    /**
     * Listings are served from memory, so what another replica writes must reach them through the database's
     * notifications: a token inserted, its expiry changed, another replica's last-use batch, the token deleted.
     * Each change is made behind the application's back, as another replica would.
     */
    @Test
    void listingsFollowWhatAnotherReplicaWrites() {
        String name = unique("elsewhere");
        String selector = CredentialFormat.mint("*:development.").selector();
        Db.rows(pool,
                "insert into api_tokens (selector, verifier, token_name, type, environment, all_projects, created_at, created_by)"
                        + " values ($1, $2, $3, 'frontend', 'development', true, now(), 'replica-b')",
                selector, Buffer.buffer(new byte[32]), name);
        awaitListing(name, "tokens.secret", List.of(selector));
        admin().get(TOKENS + "/" + name).then().body("tokens[0].type", is("frontend")).body("tokens[0].seenAt",
                nullValue());

        Instant expires = Instant.now().plus(Duration.ofDays(9)).truncatedTo(ChronoUnit.MILLIS);
        Db.rows(pool, "update api_tokens set expires_at = $1 where selector = $2", expires.atOffset(ZoneOffset.UTC),
                selector);
        awaitListing(name, "tokens.expiresAt", List.of(iso(expires)));

        Instant used = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
        SeenAtWriter.write(pool, "api_tokens", Map.of(selector, used)).await().indefinitely();
        awaitListing(name, "tokens.seenAt", List.of(iso(used)));

        Db.rows(pool, "delete from api_tokens where selector = $1", selector);
        awaitListing(name, "tokens.secret", List.of());
    }

    private static void awaitListing(String name, String path, List<Object> expected) {
        Eventually.within(Duration.ofSeconds(1)).alias("the listing of " + name + " shows " + expected + " at " + path)
                .until(() -> admin().get(TOKENS + "/" + name).then().statusCode(200).extract().jsonPath().getList(path),
                        Matchers.equalTo(expected));
    }

    /**
     * Notifications sent while the LISTEN connection is down are lost: after reconnecting, the replica must catch up
     * by itself. The LISTEN backend is killed and a token deleted behind the application's back at once, well inside
     * the 500 ms before the subscriber reconnects.
     */
    @Test
    void aRevocationMissedWhileListenWasDownIsCaughtUpAfterReconnecting() {
        String secret = createSecret(Map.of());
        validate(secret).body("tokens", hasSize(1));
        assertEquals(1, Db.count(pool,
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where query ilike 'LISTEN%'"));
        Db.rows(pool, "delete from api_tokens where selector = $1", selectorOf(secret));
        Eventually.within(Duration.ofSeconds(3)).alias("the missed revocation is caught up")
                .until(() -> validate(secret).extract().jsonPath().getList("tokens").isEmpty());
        admin().get(TOKENS).then().body("tokens.secret", not(Matchers.hasItem(selectorOf(secret))));
    }

    /**
     * A poller's own requests are uses of its token, but they must not change the list it polls: last-use times are
     * listed as written in batches, so three polls a second apart give the same body and ETag, and If-None-Match with
     * it is 304. The uses are not lost: the next batch writes the last one, a 304 poll included, and only then does
     * the list (and its tag) change. The other tagged lists (PATs, users) keep their tag under polling too.
     */
    @Test
    void pollingAListDoesNotChangeItsETag() {
        seen.flush().await().indefinitely();
        // Later than any use other tests may have written for the admin token, so the written time is ours.
        Instant start = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS);
        Set<String> tags = new HashSet<>();
        Set<String> bodies = new HashSet<>();
        for (int poll = 0; poll < 3; poll++) {
            clock.freezeAt(start.plusSeconds(poll));
            Response response = admin().get(TOKENS);
            response.then().statusCode(200);
            tags.add(response.getHeader("ETag"));
            bodies.add(response.asString());
        }
        assertEquals(1, tags.size(), "three polls, one ETag: " + tags);
        assertEquals(1, bodies.size());
        String tag = tags.iterator().next();
        clock.freezeAt(start.plusSeconds(3));
        Response cached = admin().header("If-None-Match", tag).get(TOKENS);
        cached.then().statusCode(304).header("ETag", is(tag));
        assertEquals(0, cached.asByteArray().length);

        seen.flush().await().indefinitely();
        clock.freezeAt(start.plusSeconds(4));
        Response written = admin().get(TOKENS);
        written.then().statusCode(200).body("tokens.find { it.type == 'admin' && it.tokenName == 'admin' }.seenAt",
                is(iso(start.plusSeconds(3))));
        String next = written.getHeader("ETag");
        assertNotEquals(tag, next, "the written use changes the list");
        clock.freezeAt(start.plusSeconds(5));
        admin().header("If-None-Match", next).get(TOKENS).then().statusCode(304);

        clock.reset();
        var user = Users.withRole("Editor");
        for (String path : List.of("/api/admin/user/tokens", "/api/admin/user-admin")) {
            String secret = path.contains("/user/tokens") ? user.pat() : ADMIN;
            String first = as(secret).get(path).then().statusCode(200).extract().header("ETag");
            clock.advance(Duration.ofSeconds(1));
            as(secret).get(path).then().statusCode(200).header("ETag", is(first));
            clock.advance(Duration.ofSeconds(1));
            as(secret).header("If-None-Match", first).get(path).then().statusCode(304);
        }
    }

    @Test
    void seenAtIsRecordedInBatchesAsTheTimeOfUse() {
        var token = createToken(Map.of());
        String secret = (String) token.get("secret");
        seen.flush().await().indefinitely();
        Instant usedAt = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
        clock.freezeAt(usedAt);
        validate(secret).body("tokens", hasSize(1));
        clock.freezeAt(usedAt.plus(Duration.ofDays(1)));
        // Not written per request, and not listed before it is written: a listing shows written batches only.
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].seenAt", nullValue());
        assertNull(Db.rows(pool, "select seen_at from api_tokens where selector = $1", selectorOf(secret)).get(0)
                .getOffsetDateTime("seen_at"));
        seen.flush().await().indefinitely();
        Instant stored = Db.rows(pool, "select seen_at from api_tokens where selector = $1", selectorOf(secret)).get(0)
                .getOffsetDateTime("seen_at").toInstant();
        assertEquals(usedAt.truncatedTo(ChronoUnit.MILLIS), stored.truncatedTo(ChronoUnit.MILLIS));
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].seenAt", is(iso(usedAt)));
        // An older use flushed later never moves it back (the clock is now three days earlier).
        clock.reset();
        seen.markSeen("api", selectorOf(secret));
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].seenAt", is(iso(usedAt)));
        seen.flush().await().indefinitely();
        admin().get(TOKENS + "/" + token.get("tokenName")).then().body("tokens[0].seenAt", is(iso(usedAt)));
        assertEquals(stored,
                Db.rows(pool, "select seen_at from api_tokens where selector = $1", selectorOf(secret)).get(0)
                        .getOffsetDateTime("seen_at").toInstant());
    }

    @Test
    void createdEventsCarryNoSecret() {
        var token = createToken(Map.of());
        String secret = (String) token.get("secret");
        String events = admin().get("/api/admin/events?type=api-token-created&limit=50").then().statusCode(200)
                .body("events[0].type", is("api-token-created"))
                .body("events[0].data.tokenName", is(token.get("tokenName")))
                .body("events[0].createdBy", is("admin"))
                .extract().asString();
        assertFalse(events.contains(secret));
        assertFalse(events.contains(ADMIN));
    }

    @Test
    void theTokenLimitIsEnforced() {
        long existing = Db.count(pool, "select count(*) from api_tokens");
        List<String> created = new ArrayList<>();
        for (long i = existing; i < 150; i++) {
            created.add((String) createToken(Map.of("tokenName", "limit-filler")).get("secret"));
        }
        error(json(ADMIN, Map.of("tokenName", unique("over"), "type", "backend")).post(TOKENS).then(), 400,
                "ExceedsLimitError");
        assertEquals(150, Db.count(pool, "select count(*) from api_tokens"));
        for (String secret : created) {
            admin().delete(TOKENS + "/{token}", secret).then().statusCode(200);
        }
        json(ADMIN, Map.of("tokenName", unique("after"), "type", "backend")).post(TOKENS).then().statusCode(201);
    }

    @Test
    void adminTokensCannotBeCreatedAndBootstrapTokensAreListedWithoutSecrets() {
        String body = admin().get(TOKENS).then().statusCode(200)
                .body("tokens.findAll { it.type == 'admin' }.size()", is(1))
                .body("tokens.find { it.type == 'admin' }.environment", is("*"))
                .body("tokens.find { it.type == 'admin' }.secret", Matchers.startsWith("legacy-"))
                .extract().asString();
        assertFalse(body.contains("test-admin-secret"));
        assertFalse(body.contains("test-backend-secret"));
    }

    @Test
    void bootstrapSecretsWorkAndCanBeAddressedByTheirListedId() {
        validate(Api.BOOTSTRAP_BACKEND, Api.BOOTSTRAP_FRONTEND)
                .body("tokens", hasSize(2))
                // Backend tokens are "client" here, as Unleash 7 answers on this endpoint.
                .body("tokens.find { it.type == 'client' }.projects", contains("default"))
                .body("tokens.find { it.type == 'client' }.environment", is("development"))
                .body("tokens.find { it.type == 'frontend' }.environment", is("production"));
        admin().get(TOKENS + "/backend").then().statusCode(200).body("tokens", hasSize(1))
                .body("tokens[0].projects", contains("default"));
    }

    @Test
    void editValidateAnswersOnlyLiveSdkTokens() {
        String good = createSecret(Map.of("projects", List.of("default"), "environment", "production"));
        String frontend = createSecret(Map.of("type", "frontend"));
        Map<String, Object> body = new HashMap<>();
        body.put("tokens", List.of(good, "nope", ADMIN, frontend, "user:v2_" + "a".repeat(70)));
        json(null, body).post("/edge/validate").then().statusCode(200)
                .body("tokens", hasSize(2))
                .body("tokens.find { it.type == 'client' }.token", is(good))
                .body("tokens.find { it.type == 'client' }.projects", contains("default"))
                .body("tokens.find { it.type == 'client' }.environment", is("production"));
        error(json(null, Map.of()).post("/edge/validate").then(), 400, "BadDataError");
        error(json(null, Map.of("tokens", "abc")).post("/edge/validate").then(), 400, "BadDataError");
        error(json(null, Map.of("tokens", List.of(1))).post("/edge/validate").then(), 400, "BadDataError");
        error(as(null).contentType(ContentType.TEXT).body("{}").post("/edge/validate").then(), 415, "ContentTypeError");
        json(null, Map.of("tokens", List.of())).post("/edge/validate").then().statusCode(200).body("tokens", empty());
    }

    @Test
    void credentialsInAnyAcceptedHeaderForm() {
        admin().get(TOKENS).then().statusCode(200);
        as("Bearer " + ADMIN).get(TOKENS).then().statusCode(200);
        as("bearer    " + ADMIN).get(TOKENS).then().statusCode(200);
        as("BEARER " + ADMIN).get(TOKENS).then().statusCode(200);
        error(as(null).get(TOKENS).then(), 401, "AuthenticationRequired")
                .body("path", is("/auth/simple/login")).body("type", is("password"));
        error(as("Bearer").get(TOKENS).then(), 401, "AuthenticationRequired");
        error(as("*:*.v2_notarealselectorxxxx_nope").get(TOKENS).then(), 401, "UnauthorizedError");
        error(as(ADMIN + "x").get(TOKENS).then(), 401, "UnauthorizedError");
        // A minted shape with a broken checksum is refused without a lookup.
        String secret = createSecret(Map.of());
        error(as(tampered(secret)).get(TOKENS).then(), 401, "UnauthorizedError");
    }

    @Test
    void sdkTokensAreForbiddenOnTheAdminApi() {
        for (String type : List.of("backend", "client", "frontend")) {
            String secret = createSecret(Map.of("type", type));
            error(as(secret).get(TOKENS).then(), 403, "ForbiddenError");
            error(as(secret).get("/api/admin/events").then(), 403, "ForbiddenError");
            error(json(secret, Map.of("tokenName", "x", "type", "backend")).post(TOKENS).then(), 403, "ForbiddenError");
            error(as(secret).delete(TOKENS + "/{token}", secret).then(), 403, "ForbiddenError");
        }
        error(as(Api.BOOTSTRAP_BACKEND).get(TOKENS).then(), 403, "ForbiddenError");
    }

    @Test
    void responsesNeverLeakTheSecretOfAnotherToken() {
        String secret = createSecret(Map.of());
        String all = admin().get(TOKENS).then().extract().asString()
                + admin().get("/api/admin/events?limit=1000").then().extract().asString();
        assertFalse(all.contains(secret));
        assertFalse(all.contains(secret.substring(secret.length() - 49)), "secret part leaked");
        assertTrue(all.contains(selectorOf(secret)));
        MatcherAssert.assertThat(all, not(containsString("test-admin-secret")));
    }
}
