package dev.flagward.signal;

import static dev.flagward.signal.Signals.ENDPOINTS;
import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.tampered;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.Management;
import dev.flagward.support.TestClock;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Inbound signals (SPEC §6.3, §6.4): the body rules, the rate, signatures, replays, concurrency and retention. */
@QuarkusTest
class SignalInboundTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;
    @Inject
    SignalRetention retention;

    private Signals.Endpoint endpoint;
    private String token;

    @BeforeEach
    void anEndpointWithAToken() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        endpoint = Signals.create();
        token = Signals.token(endpoint);
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    private String stored(long id) {
        return Db.rows(pool, "select payload::text from signals where id = $1", id).get(0).getString(0);
    }

    @Test
    void aJsonObjectOrNothingIsStoredAndAnsweredWithItsId() {
        int id = Signals.send(endpoint, token, "{\"alert\":\"cpu\",\"value\":97.5,\"tags\":[\"a\"]}").then()
                .statusCode(202)
                .contentType(ContentType.JSON).body("id", notNullValue()).body("$", Matchers.aMapWithSize(1))
                .extract().path("id");
        assertEquals("{\"tags\": [\"a\"], \"alert\": \"cpu\", \"value\": 97.5}", stored(id));
        int bearer = Signals.send(endpoint, "Bearer " + token, null).then().statusCode(202).extract().path("id");
        assertEquals("{}", stored(bearer));
        int blank = Signals.send(endpoint, "bearer   " + token, "  \n").then().statusCode(202).extract().path("id");
        assertEquals("{}", stored(blank));
        Db.rows(pool, "select 1");
        assertEquals(endpoint.id(), Db.count(pool, "select source_id from signals where id = $1", (long) id));
        assertEquals(1, Db.count(pool, "select count(*) from signals where id = $1 and token_name like 'token-%' "
                + "and created_by_source_token_id is not null and source = 'signal-endpoint'", (long) id));
    }

    @Test
    void badBodiesAndCallersAreRefusedAndNothingIsStored() {
        for (String body : List.of("[1,2]", "\"text\"", "42", "true", "null", "{\"a\":", "{} {}",
                "{\"a\":\"\\u0000\"}")) {
            error(Signals.send(endpoint, token, body).then(), 400, "BadDataError");
        }
        error(Signals.inbound(token, "a=b").contentType("application/x-www-form-urlencoded").post(endpoint.url())
                .then(),
                415, "ContentTypeError");
        error(Signals.inbound(token, "{}").contentType("text/plain").post(endpoint.url()).then(), 415,
                "ContentTypeError");
        error(Signals.send(endpoint, token, "{\"big\":\"" + "x".repeat(100 * 1024) + "\"}").then(), 413,
                "PayloadTooLargeError");
        error(Signals.send(endpoint, null, "{}").then(), 401, "AuthenticationRequired");
        error(Signals.send(endpoint, "signal_v2_nonsense", "{}").then(), 401, "UnauthorizedError");
        error(Signals.send(endpoint, tampered(token), "{}").then(), 401, "UnauthorizedError");
        error(Signals.send(endpoint, ADMIN, "{}").then(), 401, "UnauthorizedError");
        Signals.Endpoint other = Signals.create();
        String otherToken = Signals.token(other);
        error(Signals.send(endpoint, otherToken, "{}").then(), 401, "UnauthorizedError");
        error(Signals.inbound(token, "{}").post("/api/signal-endpoint/no-such-endpoint").then(), 404, "NotFoundError");
        admin().post(ENDPOINTS + "/" + endpoint.id() + "/off").then().statusCode(200);
        error(Signals.send(endpoint, token, "{}").then(), 404, "NotFoundError");
        assertEquals(0, Db.count(pool, "select count(*) from signals"));
        admin().post(ENDPOINTS + "/" + endpoint.id() + "/on").then().statusCode(200);
        Signals.send(endpoint, token, "{}").then().statusCode(202);
    }

    @Test
    void theRateIsPerEndpointAndRefillsWithTime() {
        clock.freezeAt(Instant.now());
        SignalConfig config = Arc.container().instance(SignalConfig.class).get();
        for (int i = 0; i < config.burst(); i++) {
            Signals.send(endpoint, token, "{}").then().statusCode(202);
        }
        error(Signals.send(endpoint, token, "{}").then(), 429, "RateLimitError").header("Retry-After", "1");
        // Another endpoint has its own bucket.
        Signals.Endpoint other = Signals.create();
        Signals.send(other, Signals.token(other), "{}").then().statusCode(202);
        clock.freezeAt(clock.instant().plusMillis(1000 / config.ratePerSecond() + 1));
        Signals.send(endpoint, token, "{}").then().statusCode(202);
        error(Signals.send(endpoint, token, "{}").then(), 429, "RateLimitError");
        assertEquals(config.burst() + 1,
                Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
    }

    @Test
    void twoHundredConcurrentCallsAreEachStoredExactlyOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                calls.add(() -> Signals.send(endpoint, token, "{\"n\":" + n + "}").then().statusCode(202).extract()
                        .path("id"));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : senders.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertEquals(200, ids.size());
        } finally {
            senders.shutdownNow();
        }
        assertEquals(200, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        assertEquals(200, Db.count(pool, "select count(distinct payload->>'n') from signals where source_id = $1",
                endpoint.id()));
    }

    /** Concurrent signals share a statement and a commit; one that PostgreSQL refuses fails alone. */
    @Test
    void aBadSignalAmongConcurrentOnesFailsAlone() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                String body = i % 10 == 0 ? "{\"bad\":\"\\u0000\",\"n\":" + i + "}" : "{\"n\":" + i + "}";
                calls.add(() -> Signals.send(endpoint, token, body).statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : senders.invokeAll(calls)) {
                statuses.add(f.get());
            }
            for (int i = 0; i < statuses.size(); i++) {
                assertEquals(i % 10 == 0 ? 400 : 202, statuses.get(i), "call " + i);
            }
        } finally {
            senders.shutdownNow();
        }
        assertEquals(108, Db.count(pool, "select count(distinct payload->>'n') from signals where source_id = $1",
                endpoint.id()));
        assertEquals(108, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
    }

    @Test
    void signedEndpointsNeedAValidStandardWebhooksSignature() {
        String secret = Signals.signingSecret(endpoint);
        assertTrue(secret.startsWith("whsec_"), secret);
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        byte[] body = "{\"alert\":\"disk\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        error(Signals.send(endpoint, token, new String(body, StandardCharsets.UTF_8)).then(), 401, "UnauthorizedError")
                .body("message", containsString("requires signed calls"));
        int id = Signals.sendSigned(endpoint, token, new String(body, StandardCharsets.UTF_8), "msg_1", now,
                Signals.sign(secret, "msg_1", now, body)).then().statusCode(202).extract().path("id");
        assertEquals("{\"alert\": \"disk\"}", stored(id));

        String wrongKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        error(Signals
                .sendSigned(endpoint, token, "{\"alert\":\"disk\"}", "msg_2", now,
                        Signals.sign(wrongKey, "msg_2", now, body))
                .then(), 401, "UnauthorizedError").body("message", containsString("matches"))
                .body(not(containsString(Signals.sign(secret, "msg_2", now, body).substring(3))));
        error(Signals
                .sendSigned(endpoint, token, "{\"alert\":\"disk\"}", "msg_3", now - 301,
                        Signals.sign(secret, "msg_3", now - 301, body))
                .then(), 401, "UnauthorizedError").body("message", containsString("5 minutes"));
        error(Signals
                .sendSigned(endpoint, token, "{\"alert\":\"disc\"}", "msg_4", now,
                        Signals.sign(secret, "msg_4", now, body))
                .then(), 401, "UnauthorizedError");
        error(Signals.sendSigned(endpoint, token, "{\"alert\":\"disk\"}", "msg_5", now, "v1,not-base64!")
                .then(), 401, "UnauthorizedError");
        error(Signals.inbound(token, "{\"alert\":\"disk\"}").header("webhook-id", "msg_6").post(endpoint.url()).then(),
                401, "UnauthorizedError").body("message", containsString("webhook-timestamp"));
        assertEquals(1, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        String events = admin().get("/api/admin/events?type=signal-endpoint-signing-secret-created").asString();
        assertTrue(events.contains("signal-endpoint-signing-secret-created"));
        assertFalse(events.contains(secret.substring(6)));

        // The secret is sealed at rest: neither it nor its key bytes are in any row.
        Db.assertSecretNotStored(pool, "signal_endpoints", secret);
        Db.assertSecretNotStored(pool, "signal_endpoints", secret.substring(6));
        byte[] key = Base64.getDecoder().decode(secret.substring(6));
        String hex = HexFormat.of().formatHex(key);
        assertEquals(0, Db.count(pool,
                "select count(*) from signal_endpoints where encode(signing_secret, 'hex') like $1", "%" + hex + "%"));

        admin().delete(ENDPOINTS + "/" + endpoint.id() + "/signing-secret").then().statusCode(200);
        Signals.send(endpoint, token, "{}").then().statusCode(202);
    }

    @Test
    void duringARotationBothSecretsVerifyForADayAndOnlyTheNewOneAfter() {
        String old = Signals.signingSecret(endpoint);
        String fresh = Signals.signingSecret(endpoint);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        Signals.sendSigned(endpoint, token, "{}", "r1", now, Signals.sign(old, "r1", now, body)).then().statusCode(202);
        Signals.sendSigned(endpoint, token, "{}", "r2", now, Signals.sign(fresh, "r2", now, body)).then()
                .statusCode(202);
        // A sender mid-rotation sends both signatures.
        Signals.sendSigned(endpoint, token, "{}", "r3", now, Signals.sign(old, "r3", now, body) + " "
                + Signals.sign(fresh, "r3", now, body)).then().statusCode(202);

        clock.advance(Duration.ofHours(24).plusMinutes(1));
        long later = clock.instant().getEpochSecond();
        error(Signals.sendSigned(endpoint, token, "{}", "r4", later, Signals.sign(old, "r4", later, body)).then(), 401,
                "UnauthorizedError");
        Signals.sendSigned(endpoint, token, "{}", "r5", later, Signals.sign(fresh, "r5", later, body)).then()
                .statusCode(202);
    }

    @Test
    void aReplayedWebhookIdIsStoredOnceAlsoUnderConcurrentReplays() throws Exception {
        String secret = Signals.signingSecret(endpoint);
        byte[] body = "{\"once\":true}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        String signature = Signals.sign(secret, "msg_replayed", now, body);
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Integer>> replays = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                replays.add(() -> Signals.sendSigned(endpoint, token, "{\"once\":true}", "msg_replayed", now, signature)
                        .then().statusCode(202).extract().path("id"));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : senders.invokeAll(replays)) {
                ids.add(f.get());
            }
            assertEquals(1, ids.size(), ids.toString());
        } finally {
            senders.shutdownNow();
        }
        assertEquals(1, Db.count(pool,
                "select count(*) from signals where source_id = $1 and webhook_id = 'msg_replayed'", endpoint.id()));
    }

    @Test
    void withoutASecretsKeySigningSecretsAreRefusedAndNothingElseBreaks() {
        QuarkusMock.installMockForType(new SecretBox(Optional.empty()), SecretBox.class);
        error(RestAssured.given().header("Authorization", ADMIN)
                .post(ENDPOINTS + "/" + endpoint.id() + "/signing-secret").then(),
                403, "OperationDeniedError").body("message", containsString("FLAGWARD_SECRETS_KEY"));
        Signals.send(endpoint, token, "{}").then().statusCode(202);
        admin().get(ENDPOINTS).then().statusCode(200);
        assertEquals(0, Db.count(pool, "select count(*) from signal_endpoints where signing_secret is not null"));
    }

    @Test
    void retentionKeepsTheNewestPerEndpointAndNothingOlderThanTheAge() {
        SignalConfig config = Arc.container().instance(SignalConfig.class).get();
        Db.rows(pool,
                "insert into signals (source_id, payload, created_at) select $1, '{}'::jsonb, now() - interval '1 minute' "
                        + "from generate_series(1, $2)",
                endpoint.id(), config.retentionCount() + 25);
        Signals.Endpoint other = Signals.create();
        Db.rows(pool,
                "insert into signals (source_id, payload, created_at) select $1, '{}'::jsonb, now() + interval '2 days' "
                        + "from generate_series(1, 10)",
                other.id());
        long newest = Db.count(pool, "select max(id) from signals where source_id = $1", endpoint.id());
        Signals.purgeUntil(retention, "retention keeps the newest", () -> Db.count(pool,
                "select count(*) from signals where source_id = $1", endpoint.id()) == config.retentionCount());
        assertEquals(newest, Db.count(pool, "select max(id) from signals where source_id = $1", endpoint.id()));
        assertEquals(10, Db.count(pool, "select count(*) from signals where source_id = $1", other.id()));

        // A day past the age of the first endpoint's signals; the other's are two days younger.
        clock.advance(config.retentionAge().plusDays(1));
        Signals.purgeUntil(retention, "retention forgets the old",
                () -> Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()) == 0);
        assertEquals(10, Db.count(pool, "select count(*) from signals where source_id = $1", other.id()));
    }

    @Test
    void outcomesAreCounted() {
        String before = Management.request().get("/q/metrics").asString();
        Signals.send(endpoint, token, "{}").then().statusCode(202);
        Signals.send(endpoint, "signal_nope", "{}").then().statusCode(401);
        Signals.send(endpoint, token, "[]").then().statusCode(400);
        String after = Management.request().get("/q/metrics").asString();
        assertTrue(count(after, "result=\"accepted\"") > count(before, "result=\"accepted\""), after);
        assertTrue(count(after, "reason=\"auth\"") > count(before, "reason=\"auth\""), after);
        assertTrue(count(after, "reason=\"body\"") > count(before, "reason=\"body\""), after);
        assertTrue(after.contains("flagward_signals_accepted_total{endpoint=\"" + endpoint.id() + "\"}"), after);
    }

    private static double count(String metrics, String label) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("flagward_signals_total{") && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
