package dev.flagward.signal;

import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Signed calls over time (SPEC §6.3): a webhook-id is remembered apart from its signal, whatever retention purges, so
 * a copy of a signed call is never stored twice; Svix's header names; the timestamp window at its edges.
 */
@QuarkusTest
class WebhookReplayTest {

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
    private String secret;

    @BeforeEach
    void aSignedEndpoint() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        endpoint = Signals.create();
        token = Signals.token(endpoint);
        secret = Signals.signingSecret(endpoint);
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    private Response signed(String webhookId, long timestamp, String body) {
        return Signals.sendSigned(endpoint, token, body, webhookId, timestamp,
                Signals.sign(secret, webhookId, timestamp, body.getBytes(StandardCharsets.UTF_8)));
    }

    private long signalsWithWebhookId(String webhookId) {
        return Db.count(pool, "select count(*) from signals where source_id = $1 and webhook_id = $2", endpoint.id(),
                webhookId);
    }

    private long remembered(String webhookId) {
        return Db.count(pool, "select count(*) from webhook_replay_memory where source_id = $1 and webhook_id = $2",
                endpoint.id(), webhookId);
    }

    /** Runs retention until a run at the clock's current time is over: one that removed a signal past the age. */
    private void purgeAtCurrentTime() {
        int marker = Db.rows(pool,
                "insert into signals (source_id, payload, created_at) values ($1, '{}'::jsonb, $2) returning id",
                endpoint.id(), clock.instant().minus(Duration.ofDays(400)).atOffset(ZoneOffset.UTC)).get(0)
                .getInteger(0);
        Signals.purgeUntil(retention, "a purge at " + clock.instant(),
                () -> Db.count(pool, "select count(*) from signals where id = $1", (long) marker) == 0);
    }

    @Test
    void aCopyOfASignedCallIsAnsweredWithTheFirstIdAfterRetentionPurgedItsSignal() throws Exception {
        int retentionCount = ConfigProvider.getConfig().getValue("flagward.signals.retention-count", Integer.class);
        Instant first = Instant.now();
        clock.freezeAt(first);
        // Stamped 5 minutes ahead, the latest the window takes: a copy passes the timestamp check for 10 minutes.
        long timestamp = first.getEpochSecond() + 300;
        String body = "{\"alert\":\"disk\"}";
        int id = signed("msg_kept", timestamp, body).then().statusCode(202).extract().path("id");

        // Newer signals push the first one out of retention.
        Db.rows(pool, "insert into signals (source_id, payload, created_at) select $1, '{}'::jsonb, now() "
                + "from generate_series(1, $2)", endpoint.id(), retentionCount);
        Signals.purgeUntil(retention, "retention purges the signed signal",
                () -> Db.count(pool, "select count(*) from signals where id = $1", (long) id) == 0);

        // The captured call, sent again at the last moment its timestamp passes, and retention running meanwhile.
        clock.freezeAt(first.plusSeconds(600));
        purgeAtCurrentTime();
        int again = signed("msg_kept", timestamp, body).then().statusCode(202).extract().path("id");
        assertEquals(id, again, "the first signal's id, not a new signal");
        assertEquals(0, signalsWithWebhookId("msg_kept"), "stored again");
        assertEquals(retentionCount,
                Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));

        // What is remembered is a hash of the raw body, never the body.
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1,
                Db.count(pool, "select count(*) from webhook_replay_memory where source_id = $1 and webhook_id = $2 "
                        + "and encode(body_sha256, 'hex') = $3 and signal_id = $4", endpoint.id(), "msg_kept", hash,
                        (long) id));
        assertEquals(0, Db.count(pool, "select count(*) from webhook_replay_memory m where m::text like '%disk%'"));

        // Remembered well past the window, then forgotten by its own age (flagward.signals.webhook-id-memory).
        clock.freezeAt(first.plus(Duration.ofMinutes(14)));
        purgeAtCurrentTime();
        assertEquals(1, remembered("msg_kept"));
        Duration memory = ConfigProvider.getConfig().getValue("flagward.signals.webhook-id-memory", Duration.class);
        clock.freezeAt(first.plus(memory).plusSeconds(1));
        Signals.purgeUntil(retention, "the memory forgets old ids", () -> remembered("msg_kept") == 0);
    }

    @Test
    void aWebhookIdReusedWithAnotherBodyIsAConflictAndStoresNothing() {
        long now = Instant.now().getEpochSecond();
        int id = signed("msg_a", now, "{\"n\":1}").then().statusCode(202).extract().path("id");
        error(signed("msg_a", now, "{\"n\":2}").then(), 409, "NameExistsError")
                .body("message", containsString("webhook-id"));
        // Byte for byte: the same JSON written differently is another body.
        error(signed("msg_a", now, "{ \"n\": 1 }").then(), 409, "NameExistsError");
        signed("msg_a", now + 1, "{\"n\":1}").then().statusCode(202).body("id", Matchers.is(id));
        assertEquals(1, signalsWithWebhookId("msg_a"));
        assertEquals("{\"n\": 1}",
                Db.rows(pool, "select payload::text from signals where id = $1", (long) id).get(0).getString(0));
    }

    @Test
    void concurrentCopiesWithTwoBodiesStoreOneSignalAndRefuseTheOtherBody() throws Exception {
        long now = Instant.now().getEpochSecond();
        List<String> bodies = List.of("{\"v\":\"a\"}", "{\"v\":\"b\"}");
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Response> answers = new ArrayList<>();
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = bodies.get(i % 2);
                calls.add(() -> signed("msg_race", now, body));
            }
            for (Future<Response> f : senders.invokeAll(calls)) {
                answers.add(f.get());
            }
        } finally {
            senders.shutdownNow();
        }
        assertEquals(1, signalsWithWebhookId("msg_race"));
        var stored = Db
                .rows(pool, "select id, payload->>'v' from signals where source_id = $1 and webhook_id = 'msg_race'",
                        endpoint.id())
                .get(0);
        int winner = "a".equals(stored.getString(1)) ? 0 : 1;
        for (int i = 0; i < answers.size(); i++) {
            if (i % 2 == winner) {
                answers.get(i).then().statusCode(202).body("id", Matchers.is(stored.getLong(0).intValue()));
            } else {
                error(answers.get(i).then(), 409, "NameExistsError");
            }
        }
    }

    @Test
    void svixHeaderNamesAreTheSameSignature() {
        long now = Instant.now().getEpochSecond();
        byte[] body = "{\"from\":\"svix\"}".getBytes(StandardCharsets.UTF_8);
        int id = Signals.sendSignedAs("svix", endpoint, token, "{\"from\":\"svix\"}", "msg_svix", String.valueOf(now),
                Signals.sign(secret, "msg_svix", now, body)).then().statusCode(202).extract().path("id");
        assertEquals("{\"from\": \"svix\"}",
                Db.rows(pool, "select payload::text from signals where id = $1", (long) id).get(0).getString(0));
        // The same message under the standard names is the same message.
        Signals.sendSignedAs("webhook", endpoint, token, "{\"from\":\"svix\"}", "msg_svix", String.valueOf(now),
                Signals.sign(secret, "msg_svix", now, body)).then().statusCode(202).body("id", Matchers.is(id));
        assertEquals(1, signalsWithWebhookId("msg_svix"));
        error(Signals
                .sendSignedAs("svix", endpoint, token, "{\"from\":\"svix\"}", "msg_svix2", String.valueOf(now - 301),
                        Signals.sign(secret, "msg_svix2", now - 301, body))
                .then(), 401, "UnauthorizedError")
                .body("message", containsString("5 minutes"));
        error(Signals.sendSignedAs("svix", endpoint, token, "{\"from\":\"svix\"}", "msg_svix3", String.valueOf(now),
                Signals.sign(secret, "msg_svix4", now, body)).then(), 401, "UnauthorizedError");
    }

    @Test
    void withBothHeaderSetsTheWebhookOnesWinWhole() {
        long now = Instant.now().getEpochSecond();
        String body = "{\"both\":true}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String good = Signals.sign(secret, "msg_std", now, bytes);
        String svixGood = Signals.sign(secret, "msg_svx", now, bytes);

        // Standard headers valid, svix ones nonsense: the standard ones are used.
        int id = Signals.inbound(token, body).header("webhook-id", "msg_std")
                .header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", good).header("svix-id", "other").header("svix-timestamp", "0")
                .header("svix-signature", "v1,bm9wZQ==").post(endpoint.url()).then().statusCode(202).extract()
                .path("id");
        assertEquals(1, remembered("msg_std"));
        assertEquals(0, remembered("other"));
        // Standard headers with a wrong signature: a valid svix set does not rescue them.
        error(Signals.inbound(token, body).header("webhook-id", "msg_svx")
                .header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", "v1,bm9wZQ==").header("svix-id", "msg_svx")
                .header("svix-timestamp", String.valueOf(now))
                .header("svix-signature", svixGood).post(endpoint.url()).then(), 401, "UnauthorizedError");
        // One standard header takes the whole set: the signature is never assembled from both.
        error(Signals.inbound(token, body).header("webhook-id", "msg_svx").header("svix-id", "msg_svx")
                .header("svix-timestamp", String.valueOf(now)).header("svix-signature", svixGood).post(endpoint.url())
                .then(),
                401, "UnauthorizedError").body("message", containsString("webhook-timestamp"));
        assertEquals(1, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        assertTrue(id > 0);
    }

    @Test
    void timestampsBeyondFiveMinutesEitherWayAreRefusedWhateverTheirSize() {
        Instant now = Instant.now();
        clock.freezeAt(now);
        long seconds = now.getEpochSecond();
        String body = "{}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // now + Long.MIN_VALUE is where now - timestamp wraps around to Long.MIN_VALUE, whose absolute value is negative.
        for (long timestamp : new long[]{seconds + 301, seconds - 301, seconds + 3600 * 24 * 365, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MIN_VALUE + 1, seconds + Long.MIN_VALUE, seconds + Long.MIN_VALUE + 1, -1, 0}) {
            String id = "msg_t" + timestamp;
            error(Signals.sendSigned(endpoint, token, body, id, timestamp, Signals.sign(secret, id, timestamp, bytes))
                    .then(),
                    401, "UnauthorizedError").body("message", containsString("5 minutes"));
        }
        error(Signals.sendSignedAs("webhook", endpoint, token, body, "msg_big", "9223372036854775808",
                "v1,bm9wZQ==").then(), 401, "UnauthorizedError").body("message", containsString("not a number"));
        assertEquals(0, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));
        // The edges themselves are inside.
        signed("msg_edge_future", seconds + 300, body).then().statusCode(202);
        signed("msg_edge_past", seconds - 300, body).then().statusCode(202);
    }
}
