package dev.flagward.signal;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.access.LiveAccess;
import dev.flagward.support.Db;
import dev.flagward.support.EventStream;
import dev.flagward.support.EventStream.Frame;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live stream of signals (SPEC §6.5): Server-Sent Events from any writer, in commit order, resumable with
 * Last-Event-ID without gaps or repeats, framed for proxies and standard parsers, ended when its credential stops
 * being valid or allowed, and bounded for a consumer that stops reading.
 */
@QuarkusTest
class SignalStreamTest {

    private static final String STREAM = "/api/admin/signals/stream";

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    SignalStream stream;
    @Inject
    SettledSignals settled;
    @Inject
    LiveAccess access;
    @Inject
    TestClock clock;

    @BeforeEach
    void licensed() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Licenses.installGenerous();
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        settled.settle(Duration.ofSeconds(5));
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 0);
    }

    private static String url() {
        return "http://localhost:" + RestAssured.port + STREAM;
    }

    private EventStream open(Map<String, String> headers) throws Exception {
        EventStream events = EventStream.open(url(), headers);
        assertEquals(200, events.response.statusCode());
        return events;
    }

    private EventStream openAsAdmin(String lastEventId) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", ADMIN));
        if (lastEventId != null) {
            headers.put("Last-Event-ID", lastEventId);
        }
        return open(headers);
    }

    private long send(Signals.Endpoint endpoint, String token, int n) {
        return Signals.send(endpoint, token, "{\"n\":" + n + "}").then().statusCode(202).extract().jsonPath()
                .getLong("id");
    }

    /** What another replica does: it stores a signal, and once committed announces its id. */
    private long fromAnotherReplica(Signals.Endpoint endpoint, int n) {
        long id = insertUnannounced(endpoint, n);
        Db.rows(pool, "select pg_notify('flagward_signals', $1)", String.valueOf(id));
        return id;
    }

    /** A signal whose announcement was lost (the writer crashed between its commit and its NOTIFY). */
    private long insertUnannounced(Signals.Endpoint endpoint, int n) {
        return Db.count(pool,
                "insert into signals (source_id, payload, created_at) values ($1, $2::text::jsonb, now()) returning id",
                endpoint.id(), "{\"n\":" + n + "}");
    }

    @Test
    void newSignalsArriveLiveAndAConsumerThatReconnectsMissesNothing() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        long lastSeen;
        try (EventStream consumer = openAsAdmin(null)) {
            Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
            long first = send(endpoint, token, 1);
            long second = send(endpoint, token, 2);
            Frame a = consumer.nextSignal();
            Frame b = consumer.nextSignal();
            assertEquals(first, a.signalId());
            assertEquals("signal", a.event());
            assertTrue(a.data().contains("\"payload\":{\"n\": 1}")
                    && a.data().contains("\"sourceName\":\"" + endpoint.name() + "\""), a.data());
            assertEquals(second, b.signalId());
            lastSeen = b.signalId();
        }
        Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 0);
        // While nobody listens: one through the API, one written and announced by "another replica".
        long missed1 = send(endpoint, token, 3);
        long missed2 = fromAnotherReplica(endpoint, 4);
        try (EventStream consumer = openAsAdmin(String.valueOf(lastSeen))) {
            assertEquals(missed1, consumer.nextSignal().signalId());
            assertEquals(missed2, consumer.nextSignal().signalId());
            long live = send(endpoint, token, 5);
            assertEquals(live, consumer.nextSignal().signalId());
            long fromElsewhere = fromAnotherReplica(endpoint, 6);
            assertEquals(fromElsewhere, consumer.nextSignal().signalId());
            // Nothing went twice: the next signal to arrive is the next one sent.
            long marker = send(endpoint, token, 7);
            assertEquals(marker, consumer.nextSignal().signalId(), "an event was sent twice");
        }
    }

    /** Proxies cut streams without Cache-Control and quiet ones; a spec-following parser sees only standard fields. */
    @Test
    void theStreamIsFramedForProxiesAndStandardParsers() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        long before = send(endpoint, token, 1);
        try (EventStream consumer = openAsAdmin(null)) {
            assertEquals("no-cache", consumer.response.headers().firstValue("cache-control").orElse(null));
            assertTrue(
                    consumer.response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            Frame opening = consumer.next();
            assertEquals(String.valueOf(before), opening.id(), "the opening frame names where a reconnect resumes");
            assertTrue(opening.retry() != null && Long.parseLong(opening.retry()) > 0, "retry: at open");
            assertNull(opening.data(), "the opening frame is no event");
            long live = send(endpoint, token, 2);
            assertEquals(live, consumer.nextSignal().signalId());
            // A quiet stream gets a comment (every second in tests, 15 s by default).
            Frame quiet = consumer.next();
            assertTrue(quiet.comments().contains("keep-alive") && quiet.data() == null && quiet.id() == null,
                    quiet.toString());
            for (Frame frame : consumer.frames()) {
                assertEquals(List.of(), frame.unknown(), "non-standard field in " + frame);
            }
        }
        // A client that reconnects before its first event resumes from the opening id and misses nothing.
        try (EventStream first = openAsAdmin(null)) {
            String openingId = first.next().id();
            first.close();
            long meanwhile = send(endpoint, token, 3);
            try (EventStream again = openAsAdmin(openingId)) {
                assertEquals(meanwhile, again.nextSignal().signalId());
            }
        }
    }

    /**
     * Ids are taken at insert, so a lower id can commit after a higher one. The stream hands out signals in commit
     * order, once nothing older can still appear, so that resuming after the last id received never skips one.
     */
    @Test
    void signalsCommittedOutOfIdOrderAreDeliveredWithoutAGapForAResumingConsumer() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        long before = send(endpoint, token, 0);
        List<Long> received = new ArrayList<>();
        try (EventStream consumer = openAsAdmin(null)) {
            Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
            try (OpenTransaction writer = new OpenTransaction()) {
                long slow = writer.insert(endpoint);
                long fast = send(endpoint, token, 2); // a higher id, committed first
                assertTrue(fast > slow);
                writer.commit();
                Db.rows(pool, "select pg_notify('flagward_signals', $1)", String.valueOf(slow));
                received.add(consumer.nextSignal().signalId());
                received.add(consumer.nextSignal().signalId());
                assertEquals(List.of(slow, fast), received,
                        "a consumer that disconnected after the first would miss the other");
            }
        }
        // Resuming after each of them gives exactly what followed it.
        try (EventStream resumed = openAsAdmin(String.valueOf(before))) {
            assertEquals(received.get(0), resumed.nextSignal().signalId());
            assertEquals(received.get(1), resumed.nextSignal().signalId());
        }
        try (EventStream resumed = openAsAdmin(String.valueOf(received.get(0)))) {
            assertEquals(received.get(1), resumed.nextSignal().signalId());
            long next = send(endpoint, token, 3);
            assertEquals(next, resumed.nextSignal().signalId());
        }
    }

    /** A transaction of this test, open until closed; {@link #insert} writes a signal in it. */
    private final class OpenTransaction implements AutoCloseable {

        private final SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(5));
        private final Transaction transaction = connection.begin().await().atMost(Duration.ofSeconds(5));

        long insert(Signals.Endpoint endpoint) {
            return connection.preparedQuery(
                    "insert into signals (source_id, payload, created_at) values ($1, '{}', now()) returning id")
                    .execute(Tuple.of(endpoint.id())).await().atMost(Duration.ofSeconds(5)).iterator().next()
                    .getLong(0);
        }

        void holdTransactionId() {
            connection.query("select pg_current_xact_id()").execute().await().atMost(Duration.ofSeconds(5));
        }

        void commit() {
            transaction.commit().await().atMost(Duration.ofSeconds(5));
        }

        @Override
        public void close() {
            connection.close().await().atMost(Duration.ofSeconds(5));
        }
    }

    /**
     * A transaction open elsewhere (an operator's session) holds the stream up for at most the settle time; and a
     * consumer that resumes meanwhile from a signal the feed already handed out gets what followed it (security review:
     * its catch-up used to stop at the first signal committed after the open transaction began).
     */
    @Test
    void anUnrelatedOpenTransactionDelaysTheStreamBrieflyAndAResumeMeanwhileMissesNothing() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        String token = Signals.token(endpoint);
        settled.settle(Duration.ofMillis(300));
        try (OpenTransaction operator = new OpenTransaction(); EventStream consumer = openAsAdmin(null)) {
            operator.holdTransactionId();
            Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
            List<Long> sent = new ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                sent.add(send(endpoint, token, n));
            }
            for (long id : sent) {
                assertEquals(id, consumer.nextSignal().signalId());
            }
            // The replica now sees the operator's transaction as young again (its bookkeeping is per replica and
            // may restart). The feed has handed out all four; a consumer resuming after the second must get the
            // other two at once, not stop short of them for a transaction the feed has already passed.
            settled.settle(Duration.ofSeconds(30));
            settled.forgetRunningTransactions();
            try (EventStream resumed = openAsAdmin(String.valueOf(sent.get(1)))) {
                assertEquals(sent.get(2), resumed.nextSignal().signalId());
                assertEquals(sent.get(3), resumed.nextSignal().signalId());
            }
            operator.commit();
        }
    }

    /**
     * Two writers whose ids interleave: their signals go in commit order (all of the first transaction's, then the
     * second's). A consumer that resumes after a signal retention has purged resumes at its exact place.
     */
    @Test
    void aResumeAfterAPurgedSignalStartsAtItsExactPlace() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        long a1;
        long a2;
        long b1;
        long b2;
        try (OpenTransaction first = new OpenTransaction(); OpenTransaction second = new OpenTransaction()) {
            a1 = first.insert(endpoint);
            b1 = second.insert(endpoint);
            a2 = first.insert(endpoint);
            b2 = second.insert(endpoint);
            first.commit();
            second.commit();
        }
        assertTrue(a1 < b1 && b1 < a2 && a2 < b2);
        try (EventStream all = openAsAdmin(String.valueOf(a1 - 1))) {
            List<Long> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                order.add(all.nextSignal().signalId());
            }
            assertEquals(List.of(a1, a2, b1, b2), order, "commit order");
        }
        Db.rows(pool, "delete from signals where id = $1", b1); // what retention does
        try (EventStream resumed = openAsAdmin(String.valueOf(b1))) {
            assertEquals(b2, resumed.nextSignal().signalId(), "a1 and a2 came before b1: they are not sent again");
        }
        Db.rows(pool, "delete from signals where id = $1", a2);
        try (EventStream resumed = openAsAdmin(String.valueOf(a2))) {
            assertEquals(b2, resumed.nextSignal().signalId(), "b1 is purged; b2 is what is left after a2");
        }
    }

    /**
     * A writer that committed and crashed before its NOTIFY, and a LISTEN connection lost while 900 signals arrived
     * (two pages, and fewer than the 1000 that retention keeps per endpoint, so none is purged meanwhile):
     * a consumer gets every one, in order, once (reconnecting with its last id whenever the stream ends, as an
     * EventSource does: a burst beyond the consumer's buffer ends the stream).
     */
    @Test
    void signalsWhoseAnnouncementWasLostStillReachLiveConsumersEveryOne() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        EventStream consumer = openAsAdmin(null);
        try {
            Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
            long lost = insertUnannounced(endpoint, 1);
            assertEquals(lost, consumer.nextSignal().signalId());
            assertEquals(1, Db.count(pool,
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity where query ilike 'LISTEN%'"));
            List<Long> written = Db.rows(pool, "insert into signals (source_id, payload, created_at) "
                    + "select $1, jsonb_build_object('n', g), now() from generate_series(1, 900) g returning id",
                    endpoint.id())
                    .stream().map(row -> row.getLong(0)).sorted().toList();
            List<Long> received = new ArrayList<>();
            long last = lost;
            int reconnects = 0;
            while (received.size() < written.size()) {
                Frame frame = consumer.nextSignalOrEnd();
                if (frame != null) {
                    received.add(frame.signalId());
                    last = frame.signalId();
                } else {
                    assertTrue(++reconnects < 200, "no progress");
                    consumer.close();
                    consumer = openAsAdmin(String.valueOf(last));
                }
            }
            assertEquals(written, received);
        } finally {
            consumer.close();
        }
    }

    /** A consumer that stops reading is ended once it is a bounded number of events behind; it resumes by id. */
    @Test
    void aStalledConsumerIsEndedAndResumesFromItsLastIdWithoutAGap() throws Exception {
        Signals.Endpoint endpoint = Signals.create();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("localhost", RestAssured.port));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + STREAM + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 1);
            // 400 signals of 50 kB: far more than the socket buffers and the stream's buffer (16 in tests) hold.
            List<Long> written = Db.rows(pool, "insert into signals (source_id, payload, created_at) "
                    + "select $1, jsonb_build_object('n', g, 'pad', repeat('x', 50000)), now() from generate_series(1, 400) g returning id",
                    endpoint.id()).stream().map(row -> row.getLong(0)).sorted().toList();
            Eventually.within(Duration.ofSeconds(20)).until(() -> stream.subscribers() == 0 && access.watched() == 0);
            // The consumer reads again: what was already on its way, then the end of the stream.
            socket.setSoTimeout(10_000);
            List<Long> received = signalIds(readToEnd(in));
            assertTrue(received.size() < written.size(),
                    received.size() + " of " + written.size() + " arrived: never stalled");
            assertEquals(written.subList(0, received.size()), received);
            String resumeFrom = received.isEmpty()
                    ? String.valueOf(written.get(0) - 1)
                    : String.valueOf(received.get(received.size() - 1));
            try (EventStream resumed = openAsAdmin(resumeFrom)) {
                for (long id : written.subList(received.size(), written.size())) {
                    assertEquals(id, resumed.nextSignal().signalId());
                }
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                body.write(buffer, 0, n);
                if (body.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
                    break; // the last chunk: the server ended the stream
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the stream did not end; read " + body.size() + " bytes");
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Ids of the signal frames in a chunked SSE body (chunk headers sit between frames as lines of their own). */
    private static List<Long> signalIds(String body) {
        List<Long> ids = new ArrayList<>();
        String id = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("event:signal") && id != null) {
                ids.add(Long.parseLong(id));
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------ a stream keeps the promises of a request

    private static String patId(Users.TestUser user) {
        return String.valueOf(RestAssured.given().cookie("unleash-session", user.cookie()).get("/api/admin/user/tokens")
                .then().statusCode(200).extract().jsonPath().getLong("pats[0].id"));
    }

    private static void assertEndsForLostAccess(EventStream consumer, String why) {
        Eventually.within(Duration.ofSeconds(3)).until(consumer::ended);
        Frame last = consumer.frames().get(consumer.frames().size() - 1);
        assertTrue(last.comments().stream().anyMatch(comment -> comment.startsWith("ended:")),
                why + ": " + consumer.frames());
    }

    @Test
    void aStreamEndsWhenItsPersonalAccessTokenIsDeleted() throws Exception {
        Users.TestUser admin = Users.withRole("Admin");
        try (EventStream consumer = open(Map.of("Authorization", admin.pat()))) {
            consumer.next();
            RestAssured.given().cookie("unleash-session", admin.cookie())
                    .delete("/api/admin/user/tokens/" + patId(admin))
                    .then().statusCode(200);
            assertEndsForLostAccess(consumer, "PAT deleted");
        }
        Eventually.within(Duration.ofSeconds(5)).until(() -> access.watched() == 0);
    }

    @Test
    void aStreamEndsWhenItsSessionLogsOut() throws Exception {
        Users.TestUser admin = Users.withRole("Admin");
        try (EventStream consumer = open(Map.of("Cookie", "unleash-session=" + admin.cookie()))) {
            consumer.next();
            RestAssured.given().cookie("unleash-session", admin.cookie()).post("/logout").then().statusCode(200);
            assertEndsForLostAccess(consumer, "logged out");
        }
    }

    @Test
    void aStreamEndsWhenItsUserIsDemotedOrDeleted() throws Exception {
        Users.TestUser demoted = Users.withRole("Admin");
        Users.TestUser deleted = Users.withRole("Admin");
        try (EventStream viewer = open(Map.of("Authorization", demoted.pat()));
                EventStream gone = open(Map.of("Authorization", deleted.pat()))) {
            viewer.next();
            gone.next();
            json(ADMIN, Map.of("rootRole", "Viewer")).put("/api/admin/user-admin/" + demoted.id()).then()
                    .statusCode(200);
            assertEndsForLostAccess(viewer, "demoted to Viewer");
            assertTrue(viewer.frames().get(viewer.frames().size() - 1).comments().get(0).contains("ADMIN"),
                    viewer.frames().toString());
            as(ADMIN).delete("/api/admin/user-admin/" + deleted.id()).then().statusCode(200);
            assertEndsForLostAccess(gone, "user deleted");
        }
    }

    @Test
    void aStreamEndsWhenItsCredentialExpires() throws Exception {
        Users.TestUser admin = Users.withRole("Admin");
        String shortLived = RestAssured.given().cookie("unleash-session", admin.cookie()).contentType(ContentType.JSON)
                .body(Map.of("description", "one hour", "expiresAt", iso(Instant.now().plus(Duration.ofHours(1)))))
                .post("/api/admin/user/tokens").then().statusCode(201).extract().jsonPath().getString("secret");
        try (EventStream consumer = open(Map.of("Authorization", shortLived))) {
            consumer.next();
            clock.advance(Duration.ofHours(2));
            assertEndsForLostAccess(consumer, "expired");
        }
    }

    /** Read-only mode is for reading what is stored: the live stream needs the license in force. */
    @Test
    void aStreamEndsWhenTheLicenseExpiresIntoReadOnlyModeAndCannotBeOpenedThen() throws Exception {
        try (EventStream consumer = openAsAdmin(null)) {
            consumer.next();
            clock.advance(Duration.ofDays(365 + 15));
            assertEndsForLostAccess(consumer, "license read-only");
        }
        error(as(ADMIN).get(STREAM).then(), 403, "LicenseError");
        // Reading what is stored still works in read-only mode.
        as(ADMIN).get("/api/admin/signals").then().statusCode(200);
    }

    @Test
    void onlyAdminsMayListenAndTheResumePointMustBeAnId() throws Exception {
        var editor = Users.withRole("Editor");
        error(as(editor.pat()).get(STREAM).then(), 403, "PermissionError");
        error(RestAssured.given().get(STREAM).then(), 401, "AuthenticationRequired");
        error(as(ADMIN).header("Last-Event-ID", "yesterday").get(STREAM).then(), 400, "BadDataError");
        error(as(ADMIN).header("Last-Event-ID", "-1").get(STREAM).then(), 400, "BadDataError");
        Licenses.remove(pool, license);
        error(as(ADMIN).get(STREAM).then(), 403, "LicenseError");
    }
}
