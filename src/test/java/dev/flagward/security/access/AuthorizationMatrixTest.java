package dev.flagward.security.access;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every endpoint of the admin API against every kind of caller: the expected status, and no unexpected success.
 * Columns: none, unknown, expired, backend, client, frontend, admin token, PAT of Admin/Editor/Viewer, session of
 * Admin/Editor/Viewer.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    @jakarta.inject.Inject
    Pool pool;

    private static final String[] CALLERS = {"none", "unknown", "expired", "backend", "client", "frontend", "admin",
            "patAdmin", "patEditor", "patViewer", "sessionAdmin", "sessionEditor", "sessionViewer"};

    record Endpoint(String method, String path, Supplier<Object> body, int[] expected) {}

    private static int[] row(int none, int sdk, int admin, int adminUser, int editor, int viewer) {
        return new int[]{none, 401, 401, sdk, sdk, sdk, admin, adminUser, editor, viewer, adminUser, editor, viewer};
    }

    /** A public endpoint: every caller gets the same answer, whatever credentials it sends. */
    private static int[] everyCaller(int status) {
        int[] out = new int[CALLERS.length];
        Arrays.fill(out, status);
        return out;
    }

    @Test
    void everyEndpointAgainstEveryCaller() {
        Licenses.installGenerous();
        Db.rows(pool, "delete from signal_endpoints");
        Map<String, Supplier<RequestSpecification>> callers = new LinkedHashMap<>();
        String expired = createSecret(Map.of("expiresAt", iso(Instant.now().plusSeconds(3600))));
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(1)))).put("/api/admin/api-tokens/{t}", expired)
                .then().statusCode(200);
        String backend = createSecret(Map.of("type", "backend"));
        String client = createSecret(Map.of("type", "client"));
        String frontend = createSecret(Map.of("type", "frontend"));
        var admin = Users.withRole("Admin");
        var editor = Users.withRole("Editor");
        var viewer = Users.withRole("Viewer");
        callers.put("none", RestAssured::given);
        callers.put("unknown", () -> RestAssured.given().header("Authorization", "*:*.v2_unknownunknownunknown0_x"));
        callers.put("expired", () -> RestAssured.given().header("Authorization", expired));
        callers.put("backend", () -> RestAssured.given().header("Authorization", backend));
        callers.put("client", () -> RestAssured.given().header("Authorization", client));
        callers.put("frontend", () -> RestAssured.given().header("Authorization", frontend));
        callers.put("admin", () -> RestAssured.given().header("Authorization", ADMIN));
        callers.put("patAdmin", () -> RestAssured.given().header("Authorization", admin.pat()));
        callers.put("patEditor", () -> RestAssured.given().header("Authorization", "Bearer " + editor.pat()));
        callers.put("patViewer", () -> RestAssured.given().header("Authorization", viewer.pat()));
        callers.put("sessionAdmin", () -> RestAssured.given().cookie("unleash-session", admin.cookie()));
        callers.put("sessionEditor", () -> RestAssured.given().cookie("unleash-session", editor.cookie()));
        callers.put("sessionViewer", () -> RestAssured.given().cookie("unleash-session", viewer.cookie()));

        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/admin/api-tokens", null, row(401, 403, 200, 200, 200, 403)),
                new Endpoint("GET", "/api/admin/api-tokens/some-name", null, row(401, 403, 200, 200, 200, 403)),
                new Endpoint("POST", "/api/admin/api-tokens", () -> Map.of("tokenName", unique("m"), "type", "backend"),
                        row(401, 403, 201, 201, 201, 403)),
                new Endpoint("PUT", "/api/admin/api-tokens/not-a-token",
                        () -> Map.of("expiresAt", iso(Instant.now().plusSeconds(60))),
                        row(401, 403, 200, 200, 200, 403)),
                new Endpoint("DELETE", "/api/admin/api-tokens/not-a-token", null, row(401, 403, 200, 200, 200, 403)),
                new Endpoint("GET", "/api/admin/projects", null, row(401, 403, 200, 200, 200, 200)),
                new Endpoint("POST", "/api/admin/projects", () -> Map.of("id", unique("p"), "name", "p"),
                        row(401, 403, 201, 201, 403, 403)),
                new Endpoint("DELETE", "/api/admin/projects/no-such-project", null, row(401, 403, 404, 404, 403, 403)),
                // A project's API tokens: Admin and Editor (Unleash's Editor holds the project token permissions everywhere).
                new Endpoint("GET", "/api/admin/projects/default/api-tokens", null, row(401, 403, 200, 200, 200, 403)),
                new Endpoint("POST", "/api/admin/projects/default/api-tokens",
                        () -> Map.of("tokenName", unique("m"), "type", "backend"),
                        row(401, 403, 201, 201, 201, 403)),
                new Endpoint("DELETE", "/api/admin/projects/default/api-tokens/not-a-token", null,
                        row(401, 403, 404, 404, 404, 403)),
                new Endpoint("GET", "/api/admin/projects/no-such-project/api-tokens", null,
                        row(401, 403, 404, 404, 404, 403)),
                new Endpoint("GET", "/api/admin/environments", null, row(401, 403, 200, 200, 200, 200)),
                new Endpoint("POST", "/api/admin/environments", () -> Map.of("name", unique("e"), "type", "test"),
                        row(401, 403, 201, 201, 403, 403)),
                new Endpoint("GET", "/api/admin/events", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("GET", "/api/admin/logins", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("GET", "/api/admin/license", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("GET", "/api/admin/license/check", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("POST", "/api/admin/license", () -> Map.of("token", "not.a.license"),
                        row(401, 403, 400, 400, 403, 403)),
                new Endpoint("GET", "/api/admin/user-admin", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("POST", "/api/admin/user-admin",
                        () -> Map.of("username", unique("m"), "rootRole", "Viewer"),
                        row(401, 403, 201, 201, 403, 403)),
                new Endpoint("GET", "/api/admin/user-admin/999999", null, row(401, 403, 404, 404, 403, 403)),
                new Endpoint("PUT", "/api/admin/user-admin/999999", () -> Map.of("name", "x"),
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("DELETE", "/api/admin/user-admin/999999", null, row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/user-admin/reset-password", () -> Map.of("id", "nobody@example.com"),
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("GET", "/api/admin/invite-link/tokens", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("POST", "/api/admin/invite-link/tokens", () -> Map.of("name", unique("m"),
                        "expiresAt", iso(Instant.now().plusSeconds(3600))), row(401, 403, 201, 201, 403, 403)),
                new Endpoint("GET", "/api/admin/invite-link/tokens/AAAAAAAAAAAAAAAAAAAAAA", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("PUT", "/api/admin/invite-link/tokens/AAAAAAAAAAAAAAAAAAAAAA",
                        () -> Map.of("enabled", false),
                        row(401, 403, 404, 404, 403, 403)),
                // Anyone may use a link or ask for a reset mail: what credentials a caller holds changes nothing.
                new Endpoint("POST", "/auth/reset/validate-password", () -> Map.of("password", "Str0ng-enough!"),
                        everyCaller(200)),
                new Endpoint("GET", "/auth/reset/validate?token=reset_v2_nothing", null, everyCaller(401)),
                new Endpoint("GET", "/invite/invite_v2_nothing/validate", null, everyCaller(400)),
                new Endpoint("GET", "/api/admin/user", null, row(401, 403, 403, 200, 200, 200)),
                new Endpoint("GET", "/api/admin/user/tokens", null, row(401, 403, 403, 200, 200, 200)),
                new Endpoint("GET", "/api/admin/user/profile", null, row(401, 403, 403, 200, 200, 200)),
                new Endpoint("GET", "/api/admin/user/roles?projectId=default", null, row(401, 403, 403, 200, 200, 200)),
                new Endpoint("GET", "/api/admin/user-admin/access", null, row(401, 403, 200, 200, 200, 200)),
                new Endpoint("DELETE", "/api/admin/user/tokens/999999", null, row(401, 403, 403, 404, 404, 404)),
                // Rotation: whoever may update (API tokens), the owner (PATs), Admin (signal tokens); unknown is 404.
                new Endpoint("POST", "/api/admin/api-tokens/AAAAAAAAAAAAAAAAAAAAAA/rotate", null,
                        row(401, 403, 404, 404, 404, 403)),
                new Endpoint("POST", "/api/admin/user/tokens/999999/rotate", null, row(401, 403, 403, 404, 404, 404)),
                new Endpoint("POST", "/api/admin/signal-endpoints/999999/tokens/1/rotate", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/credentials/revoke-leaked", () -> Map.of("secrets", List.of("x")),
                        row(401, 403, 200, 200, 403, 403)),
                new Endpoint("GET", "/api/admin/signal-endpoints", null, row(401, 403, 200, 200, 403, 403)),
                new Endpoint("POST", "/api/admin/signal-endpoints", () -> Map.of("name", unique("m").toLowerCase()),
                        row(401, 403, 201, 201, 403, 403)),
                new Endpoint("PUT", "/api/admin/signal-endpoints/999999", () -> Map.of("name", "x"),
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("DELETE", "/api/admin/signal-endpoints/999999", null, row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/signal-endpoints/999999/on", null, row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/signal-endpoints/999999/off", null, row(401, 403, 404, 404, 403, 403)),
                new Endpoint("GET", "/api/admin/signal-endpoints/999999/tokens", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/signal-endpoints/999999/tokens", () -> Map.of("name", "x"),
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("PUT", "/api/admin/signal-endpoints/999999/tokens/1", () -> Map.of("name", "x"),
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("DELETE", "/api/admin/signal-endpoints/999999/tokens/1", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("GET", "/api/admin/signal-endpoints/999999/signals", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("POST", "/api/admin/signal-endpoints/999999/signing-secret", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("DELETE", "/api/admin/signal-endpoints/999999/signing-secret", null,
                        row(401, 403, 404, 404, 403, 403)),
                new Endpoint("GET", "/api/admin/signals", null, row(401, 403, 200, 200, 403, 403)),
                // Edge's token issuing takes an Edge client's HMAC signature only: no credential of the admin API is one.
                new Endpoint("POST", "/edge/issue-token", () -> Map.of("tokens", List.of()),
                        row(401, 401, 401, 401, 401, 401)),
                // The inbound endpoint takes signal tokens only: every other credential is not one (401).
                new Endpoint("POST", "/api/signal-endpoint/no-such-endpoint", () -> Map.of(),
                        row(401, 401, 401, 401, 401, 401)));

        List<String> mismatches = new ArrayList<>();
        int cases = 0;
        for (Endpoint endpoint : endpoints) {
            for (int i = 0; i < CALLERS.length; i++) {
                RequestSpecification request = callers.get(CALLERS[i]).get();
                if (endpoint.body() != null) {
                    request = request.contentType(ContentType.JSON).body(endpoint.body().get());
                }
                int status = request.request(endpoint.method(), endpoint.path()).statusCode();
                cases++;
                if (status != endpoint.expected()[i]) {
                    mismatches.add(endpoint.method() + " " + endpoint.path() + " as " + CALLERS[i] + ": expected "
                            + endpoint.expected()[i] + ", got " + status);
                }
            }
        }
        System.out.println("authorization matrix: " + cases + " cases, " + mismatches.size() + " mismatches");
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }
}
