package dev.flagward.signal;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Signed calls over time (SPEC §6.3): the timestamp window at its edges. */
@QuarkusTest
class WebhookReplayTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;

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
            error(Signals.sendSigned(endpoint, token, body, id, timestamp, Signals.sign(secret, id, timestamp, bytes)).then(),
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
