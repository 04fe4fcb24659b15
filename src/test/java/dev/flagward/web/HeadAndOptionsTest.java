package dev.flagward.web;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.security.access.LiveAccess;
import dev.flagward.signal.SignalStream;
import dev.flagward.support.Api;
import dev.flagward.support.EventStream;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.support.RawHttp;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * HEAD and OPTIONS on every route: HEAD answers as GET does, without a body; OPTIONS answers with the methods the
 * path takes ({@code Allow}). Neither tells a caller more than a GET would: under /api a stranger gets 401 from both,
 * as from GET, and a path Flagward lacks is 404, not 200.
 */
@QuarkusTest
class HeadAndOptionsTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    SignalStream stream;
    @Inject
    LiveAccess access;

    private static final List<String> ADMIN_READS = List.of("/api/admin/api-tokens", "/api/admin/user-admin",
            "/api/admin/user-admin/1", "/api/admin/events?limit=1", "/api/admin/license",
            "/api/admin/instance-admin/statistics/csv", "/api/admin/environments", "/api/admin/user-admin/access",
            "/api/admin/invite-link/tokens");

    /** A caller's HEAD gets GET's status and headers, and no body. */
    private static void headLikeGet(Supplier<RequestSpecification> caller, String path) {
        Response get = caller.get().get(path);
        Response head = caller.get().head(path);
        assertEquals(get.statusCode(), head.statusCode(), "HEAD " + path);
        assertEquals(0, head.asByteArray().length, "HEAD " + path + " has no body");
        assertEquals(get.getHeader("ETag"), head.getHeader("ETag"), "ETag of HEAD " + path);
        // The media type; a charset parameter is added only where a body is written (RFC 9110 §9.3.2 lets HEAD omit
        // what is determined while generating the content).
        assertEquals(mediaType(get), mediaType(head), "Content-Type of HEAD " + path);
        if (get.getHeader("Content-Disposition") != null) {
            // The file name carries the statistics' time, which moves between the two calls.
            assertTrue(head.getHeader("Content-Disposition").startsWith("attachment; filename=\"unleash-"), path);
        }
    }

    private static String mediaType(Response response) {
        String type = response.getHeader("Content-Type");
        return type == null ? null : type.split(";")[0].strip();
    }

    @Test
    void headAnswersAsGetDoesWithoutABody() {
        String viewer = Users.withRole("Viewer").pat();
        for (String path : ADMIN_READS) {
            headLikeGet(() -> admin(), path);
            headLikeGet(() -> as(viewer), path);
            headLikeGet(() -> RestAssured.given(), path);
            assertEquals(401, RestAssured.given().head(path).statusCode(), "a stranger's HEAD " + path);
            headLikeGet(() -> as("*:*.not-a-known-secret"), path);
        }
        admin().head("/api/admin/api-tokens").then().statusCode(200).header("ETag", startsWith("W/\""));
        assertEquals(403, as(viewer).head("/api/admin/user-admin").statusCode());
        assertEquals(404, admin().head("/api/admin/user-admin/scim-users").statusCode());
        // Public routes, and paths Flagward lacks outside /api.
        for (String path : List.of("/health", "/ready", "/edge/validate", "/auth/simple/login", "/no-such-page",
                "/api/admin/no-such-thing")) {
            headLikeGet(() -> RestAssured.given(), path);
            headLikeGet(() -> admin(), path);
        }
        RestAssured.given().head("/health").then().statusCode(200).contentType(startsWith("application/json"));
        // A HEAD of a list with the tag the GET gave: 304, as for GET.
        String tag = admin().get("/api/admin/api-tokens").getHeader("ETag");
        admin().header("If-None-Match", tag).head("/api/admin/api-tokens").then().statusCode(304);
    }

    /**
     * The signal stream's GET never ends; its HEAD must: the stream's headers, then the answer is over, and nothing is
     * started (no consumer of the feed, no watched credential) that would stay until the client closes its
     * connection. Strangers and callers without the license are refused as for GET.
     */
    @Test
    void headOfTheLiveStreamEndsAndStartsNothing() throws Exception {
        String path = "/api/admin/signals/stream";
        Licenses.remove(pool, license);
        error(admin().get(path).then(), 403, "LicenseError");
        assertEquals(403, admin().head(path).statusCode());
        assertEquals(401, RestAssured.given().head(path).statusCode());
        Licenses.installGenerous();
        // Streams of earlier tests end asynchronously: start from none, so the counts below are exact.
        Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 0 && access.watched() == 0);
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // A client that keeps its connection, as pollers and browsers do.
            out.write(("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + ADMIN + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: text/event-stream"), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("cache-control: no-cache"), head);

            // A real consumer, once it has its first frame, is the only one the HEAD left behind.
            try (EventStream consumer = EventStream.open("http://localhost:" + RestAssured.port + path,
                    Map.of("Authorization", ADMIN))) {
                consumer.next();
                Eventually.within(Duration.ofSeconds(5)).until(() -> stream.subscribers() > 0);
                assertEquals(1, stream.subscribers(), "the HEAD subscribed a consumer");
                assertEquals(1, access.watched(), "the HEAD left a watched credential");
            }
            // The HEAD's answer is over: the same connection takes the next request.
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String next = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(next.startsWith("HTTP/1.1 200") && next.contains("GOOD"), next);

            assertEquals(401, RestAssured.given().head(path).statusCode());
            String viewer = Users.withRole("Viewer").pat();
            assertEquals(403, as(viewer).head(path).statusCode());
        } finally {
            Licenses.remove(pool, license);
        }
    }

    /** The status line and headers of one answer, up to the empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void optionsListsWhatThePathTakes() throws Exception {
        Map<String, String> allowed = Map.of(
                "/api/admin/api-tokens", "GET, HEAD, POST, OPTIONS",
                "/api/admin/api-tokens/some-name", "GET, HEAD, PUT, DELETE, OPTIONS",
                "/api/admin/api-tokens/some-name/rotate", "POST, OPTIONS",
                "/api/admin/user-admin/1", "GET, HEAD, PUT, DELETE, OPTIONS",
                "/api/admin/user-admin/search", "GET, HEAD, OPTIONS",
                "/api/admin/user-admin/1/change-password", "POST, OPTIONS",
                "/api/admin/instance-admin/statistics/csv", "GET, HEAD, OPTIONS",
                "/api/admin/user", "GET, HEAD, OPTIONS",
                "/api/admin/user-admin/access", "GET, HEAD, OPTIONS",
                "/api/admin/projects/default/api-tokens", "GET, HEAD, POST, OPTIONS");
        allowed.forEach((path, methods) -> {
            Response answer = admin().options(path);
            answer.then().statusCode(200).header("Allow", is(methods));
            assertEquals(0, answer.asByteArray().length, path);
        });
        admin().options("/api/admin/projects/default/api-tokens/x").then().statusCode(200).header("Allow",
                is("DELETE, OPTIONS"));
        // Any valid credential may ask (as any may learn a path exists from a 403); a stranger may not.
        String viewer = Users.withRole("Viewer").pat();
        as(viewer).options("/api/admin/user-admin").then().statusCode(200).header("Allow",
                is("GET, HEAD, POST, OPTIONS"));
        // A trailing slash is the same path.
        admin().options("/api/admin/api-tokens/").then().statusCode(200).header("Allow",
                is("GET, HEAD, POST, OPTIONS"));
        // Another spelling of a path is the same path, as for GET (sent byte for byte).
        for (String spelling : List.of("//api/admin/api-tokens", "/api/./admin/api-tokens", "/api/%61dmin/api-tokens",
                "/api/admin/user-admin/%31")) {
            assertEquals(200,
                    RawHttp.send(RestAssured.port, "GET", spelling, Map.of("Authorization", ADMIN), null).status(),
                    spelling);
            assertEquals(200,
                    RawHttp.send(RestAssured.port, "OPTIONS", spelling, Map.of("Authorization", ADMIN), null).status(),
                    spelling);
            assertEquals(401, RawHttp.send(RestAssured.port, "OPTIONS", spelling, Map.of(), null).status(), spelling);
        }
        // Public routes answer anyone, as their methods do.
        for (Supplier<RequestSpecification> anyone : List.<Supplier<RequestSpecification>>of(RestAssured::given,
                () -> admin())) {
            anyone.get().options("/health").then().statusCode(200).header("Allow", is("GET, HEAD, OPTIONS"));
            anyone.get().options("/edge/validate").then().statusCode(200).header("Allow", is("POST, OPTIONS"));
            anyone.get().options("/edge/issue-token").then().statusCode(200).header("Allow", is("POST, OPTIONS"));
            anyone.get().options("/auth/simple/login").then().statusCode(200).header("Allow", is("POST, OPTIONS"));
        }
    }

    @Test
    void optionsTellsAStrangerNoMoreThanGet() throws Exception {
        for (String path : List.of("/api/admin/api-tokens", "/api/admin/user-admin/1", "/api/admin/signal-endpoints",
                "/api/admin/instance-admin/statistics", "/api/admin/no-such-thing", "/api/admin/user-admin/scim-users",
                "/api/admin/api-tokens/x/y/z")) {
            Response options = RestAssured.given().options(path);
            error(options.then(), 401, "AuthenticationRequired");
            assertNull(options.getHeader("Allow"), path);
            assertEquals(RestAssured.given().get(path).statusCode(), options.statusCode(), path);
            error(as("*:*.not-a-known-secret").options(path).then(), 401, "UnauthorizedError");
        }
        // Paths Flagward lacks: 404 once authenticated, as for GET, under /api and outside it.
        for (String path : List.of("/api/admin/no-such-thing", "/api/admin/user-admin/scim-users",
                "/api/admin/api-tokens/x/y/z")) {
            error(admin().options(path).then(), 404, "NotFoundError");
        }
        error(RestAssured.given().options("/no-such-page").then(), 404, "NotFoundError");
        // Spelled with dot segments (sent as they are, not resolved by a client), a path under /api is still under
        // /api: a stranger gets 401 for a path that exists and for one that does not, with GET and with OPTIONS.
        for (String method : List.of("GET", "OPTIONS")) {
            for (String path : List.of("/x/../api/admin/nope", "/x/../api/admin/api-tokens", "/%2e%2e/api/admin/nope",
                    "/./api/admin/nope")) {
                assertEquals(401, RawHttp.send(RestAssured.port, method, path, Map.of(), null).status(),
                        method + " " + path);
            }
        }
        // A ';' in the path: OPTIONS answers as GET does (401 for a stranger, 400 once authenticated), not 404.
        for (String method : List.of("GET", "OPTIONS")) {
            assertEquals(401, RawHttp.send(RestAssured.port, method, "/api/admin/api-tokens;x",
                    Map.of(), null).status(), method);
            assertEquals(400, RawHttp.send(RestAssured.port, method, "/api/admin/api-tokens;x",
                    Map.of("Authorization", Api.ADMIN), null).status(), method);
        }
        // The inbound signal endpoint takes only its own tokens, so its OPTIONS does too.
        error(RestAssured.given().options("/api/signal-endpoint/anything").then(), 401, "AuthenticationRequired");
        error(admin().options("/api/signal-endpoint/anything").then(), 401, "UnauthorizedError");
    }
}
