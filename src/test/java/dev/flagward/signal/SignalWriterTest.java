package dev.flagward.signal;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bodies that Jackson takes but PostgreSQL's jsonb does not are refused before they reach a shared statement. */
@QuarkusTest
class SignalWriterTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    @BeforeEach
    void aLicense() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
    }

    @AfterEach
    void cleanUp() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    @Test
    void jsonThatJsonbRefusesIsRefusedUpFrontWithThePathOfTheValue() {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        Map<String, String> refused = Map.ofEntries(
                Map.entry("{\"a\":{\"b\":[\"x\",\"\\u0000\"]}}", "/body/a/b/1"),
                Map.entry("{\"a\":{\"k\\u0000\":1}}", "/body/a"),
                Map.entry("{\"k\\ud800\":1}", "/body"),
                Map.entry("{\"a\":\"\\ud800\"}", "/body/a"),
                Map.entry("{\"a\":\"x\\udc00y\"}", "/body/a"),
                Map.entry("{\"a\":\"\\ud800\\ud800\"}", "/body/a"),
                Map.entry("{\"a\":\"\\ude00\\ud83d\"}", "/body/a"),
                Map.entry("{\"n\":[1e1000000]}", "/body/n/0"),
                Map.entry("{\"n\":-1e1000000}", "/body/n"),
                Map.entry("{\"n\":1e-1000000}", "/body/n"),
                Map.entry("{\"n\":1e131072}", "/body/n"),
                Map.entry("{\"n\":1.5e-16383}", "/body/n"),
                Map.entry("{\"n\":1e99999999999}", "/body/n"));
        refused.forEach((body, path) -> error(Signals.send(endpoint, token, body).then(), 400, "BadDataError")
                .body("details[0].path", is(path)));
        assertEquals(0, Db.count(pool, "select count(*) from signals where source_id = $1", endpoint.id()));

        // What jsonb takes is taken, up to its limits.
        for (String body : List.of("{\"e\":\"\\ud83d\\ude00\"}", "{\"n\":1e131071}", "{\"n\":1e-16383}", "{\"n\":1e308}",
                "{\"c\":\"\\u0001\"}")) {
            Signals.send(endpoint, token, body).then().statusCode(202);
        }
        assertEquals("\uD83D\uDE00", Db.rows(pool, "select payload->>'e' from signals where source_id = $1 and payload ? 'e'",
                endpoint.id()).get(0).getString(0));
    }
}
