package dev.flagward.signal;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live stream of signals (SPEC §6.5): Server-Sent Events from any writer, resumable with Last-Event-ID. */
@QuarkusTest
class SignalStreamTest {

    private static final String STREAM = "/api/admin/signals/stream";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    SignalStream stream;

    @BeforeEach
    void licensed() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
    }

    @AfterEach
    void cleanUp() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    /** One SSE event as received. */
    record Event(long id, String name, String data) {
    }

    /** A consumer of the stream: events as they arrive, until closed. */
    final class Consumer implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Stream<String> lines;
        private final Thread reader;

        Consumer(String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + STREAM))
                    .header("Authorization", ADMIN).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            lines = response.body();
            reader = new Thread(() -> {
                long id = -1;
                String name = null;
                StringBuilder data = new StringBuilder();
                try {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.startsWith("id:")) {
                            id = Long.parseLong(line.substring(3).strip());
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).strip());
                        } else if (line.isEmpty() && id >= 0) {
                            events.add(new Event(id, name, data.toString()));
                            id = -1;
                            name = null;
                            data.setLength(0);
                        }
                    }
                } catch (RuntimeException closed) {
                    // the consumer went away
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Event next() throws InterruptedException {
            Event event = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 5 s");
            return event;
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    private long send(Signals.Endpoint endpoint, String token, int n) {
        return Signals.send(endpoint, token, "{\"n\":" + n + "}").then().statusCode(202).extract().jsonPath().getLong("id");
    }

    @Test
    void newSignalsArriveLiveAndAConsumerThatReconnectsMissesNothing() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        List<Long> received = new ArrayList<>();
        long lastSeen;
        try (Consumer consumer = new Consumer(null)) {
            dev.flagward.support.Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
            long first = send(endpoint, token, 1);
            long second = send(endpoint, token, 2);
            Event a = consumer.next();
            Event b = consumer.next();
            assertEquals(first, a.id());
            assertEquals("signal", a.name());
            assertTrue(a.data().contains("\"payload\":{\"n\": 1}") && a.data().contains("\"sourceName\":\"" + endpoint.name() + "\""), a.data());
            assertEquals(second, b.id());
            received.add(a.id());
            received.add(b.id());
            lastSeen = b.id();
        }
        dev.flagward.support.Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 0);
        // While nobody listens: one through the API, one written and announced by "another replica".
        long missed1 = send(endpoint, token, 3);
        long missed2 = fromAnotherReplica(endpoint, 4);
        try (Consumer consumer = new Consumer(String.valueOf(lastSeen))) {
            assertEquals(missed1, consumer.next().id());
            assertEquals(missed2, consumer.next().id());
            long live = send(endpoint, token, 5);
            assertEquals(live, consumer.next().id());
            long fromElsewhere = fromAnotherReplica(endpoint, 6);
            assertEquals(fromElsewhere, consumer.next().id());
            assertNull(consumer.events.poll(300, TimeUnit.MILLISECONDS), "an event was sent twice");
        }
    }

    /** What another replica does: it stores a signal, and once committed announces its id. */
    private long fromAnotherReplica(Signals.Endpoint endpoint, int n) {
        long id = Db.count(pool, "insert into signals (source_id, payload, created_at) values ($1, $2::text::jsonb, now()) returning id",
                endpoint.id(), "{\"n\":" + n + "}");
        Db.rows(pool, "select pg_notify('flagward_signals', $1)", String.valueOf(id));
        return id;
    }

    @Test
    void onlyAdminsMayListenAndTheResumePointMustBeAnId() throws Exception {
        var editor = Users.withRole("Editor");
        error(as(editor.pat()).get(STREAM).then(), 403, "PermissionError");
        error(RestAssured.given().get(STREAM).then(), 401, "AuthenticationRequired");
        error(as(ADMIN).header("Last-Event-ID", "yesterday").get(STREAM).then(), 400, "BadDataError");
        Licenses.remove(pool, license);
        error(as(ADMIN).get(STREAM).then(), 403, "LicenseError");
    }
}
