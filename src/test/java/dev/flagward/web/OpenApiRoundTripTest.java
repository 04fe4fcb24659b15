package dev.flagward.web;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.license.LicenseService;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.EdgeSigning;
import dev.flagward.support.Licenses;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Walks every operation of /q/openapi, calls it as a client generated from the document would (valid input, the
 * right credential), and fails when the answer's status is not the documented success status, or when a field the
 * documented response schema requires is missing. An operation with no call here fails the test: a new endpoint
 * must be added to it.
 */
@QuarkusTest
class OpenApiRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Required fields checked in answers: the schema half of the test has teeth only if this is not 0. */
    private static int requiredChecked;

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    private record Call(Supplier<RequestSpecification> caller, String path, Supplier<Object> body) {}

    private static Supplier<RequestSpecification> as(String secret) {
        return () -> RestAssured.given().header("Authorization", secret);
    }

    @Test
    void everyOperationAnswersWhatTheDocumentSays() throws Exception {
        requiredChecked = 0;
        JsonNode doc = JSON
                .readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        String future = iso(Instant.now().plus(Duration.ofDays(5)));

        Users.TestUser user = Users.withRole("Viewer");
        String tokenName = unique("rt");
        String token = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("tokenName", tokenName, "type", "backend")).post("/api/admin/api-tokens").then()
                .statusCode(201)
                .extract().path("secret");
        String doomed = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("tokenName", unique("rt"), "type", "backend")).post("/api/admin/api-tokens").then()
                .statusCode(201)
                .extract().path("secret");
        String endpointName = unique("rt").toLowerCase();
        long endpoint = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("name", endpointName)).post("/api/admin/signal-endpoints").then().statusCode(201).extract()
                .jsonPath().getLong("id");
        var signalToken = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("name", "t")).post("/api/admin/signal-endpoints/" + endpoint + "/tokens").then()
                .statusCode(201)
                .extract().jsonPath();
        long signalTokenId = signalToken.getLong("id");
        String project = unique("rt");
        String projectTokenDoomed = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("tokenName", unique("rt"), "type", "backend"))
                .post("/api/admin/projects/default/api-tokens")
                .then().statusCode(201).extract().path("secret");
        long victim = Users.create(unique("victim"), "Viewer");
        int patId = RestAssured.given().header("Authorization", user.pat()).get("/api/admin/user/tokens").then()
                .extract().path("pats[0].id");
        String userToRotate = Users.createPat(user.cookie(), "to rotate");
        int patToRotate = RestAssured.given().header("Authorization", userToRotate).get("/api/admin/user/tokens").then()
                .extract().path("pats.find { it.description == 'to rotate' }.id");
        String licenseToken = Licenses.rs256(Licenses.generous());
        // A reset link of its own user (the Admin's reset below would end a link of the same user) and an invite link.
        Users.TestUser resetting = Users.withRole("Viewer");
        String resetLink = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("id", resetting.username())).post("/api/admin/user-admin/reset-password").then()
                .statusCode(200)
                .extract().path("resetPasswordUrl");
        String resetToken = resetLink.substring(resetLink.indexOf("token=") + 6);
        String invite = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("name", "rt", "expiresAt", future)).post("/api/admin/invite-link/tokens").then()
                .statusCode(201)
                .extract().path("secret");
        String inviteId = CredentialFormat.parse(invite).selector();
        String invited = unique("invited");
        String month = YearMonth.now(ZoneOffset.UTC).toString();

        Map<String, Call> calls = new LinkedHashMap<>();
        Supplier<RequestSpecification> admin = as(ADMIN);
        calls.put("GET /api/admin/api-tokens", new Call(admin, "/api/admin/api-tokens", null));
        calls.put("GET /api/admin/api-tokens/{name}", new Call(admin, "/api/admin/api-tokens/" + tokenName, null));
        calls.put("POST /api/admin/api-tokens",
                new Call(admin, "/api/admin/api-tokens", () -> Map.of("tokenName", unique("rt"), "type", "frontend")));
        calls.put("PUT /api/admin/api-tokens/{token}",
                new Call(admin, "/api/admin/api-tokens/" + token, () -> Map.of("expiresAt", future)));
        calls.put("POST /api/admin/api-tokens/{token}/rotate",
                new Call(admin, "/api/admin/api-tokens/" + token + "/rotate", () -> Map.of()));
        calls.put("POST /edge/validate",
                new Call(RestAssured::given, "/edge/validate", () -> Map.of("tokens", List.of(token))));
        // Signed over the exact body it sends, so the call carries its own body (see below).
        String issueBody = "{\"tokens\":[{\"environment\":\"development\",\"projects\":[\"default\"]}]}";
        calls.put("POST /edge/issue-token", new Call(() -> EdgeSigning.signed(issueBody), "/edge/issue-token", null));
        calls.put("GET /api/admin/projects", new Call(admin, "/api/admin/projects", null));
        calls.put("GET /api/admin/projects/{projectId}/api-tokens",
                new Call(admin, "/api/admin/projects/default/api-tokens", null));
        calls.put("POST /api/admin/projects/{projectId}/api-tokens",
                new Call(admin, "/api/admin/projects/default/api-tokens",
                        () -> Map.of("tokenName", unique("rt"), "type", "frontend")));
        calls.put("POST /api/admin/projects",
                new Call(admin, "/api/admin/projects", () -> Map.of("id", project, "name", "RT")));
        calls.put("GET /api/admin/environments", new Call(admin, "/api/admin/environments", null));
        calls.put("POST /api/admin/environments",
                new Call(admin, "/api/admin/environments", () -> Map.of("name", unique("env"), "type", "test")));
        calls.put("GET /api/admin/events", new Call(admin, "/api/admin/events", null));
        calls.put("GET /api/admin/logins", new Call(admin, "/api/admin/logins", null));
        calls.put("GET /api/admin/license", new Call(admin, "/api/admin/license", null));
        calls.put("GET /api/admin/license/check", new Call(admin, "/api/admin/license/check", null));
        calls.put("POST /api/admin/license",
                new Call(admin, "/api/admin/license", () -> Map.of("token", licenseToken)));
        calls.put("GET /api/admin/instance-admin/statistics",
                new Call(admin, "/api/admin/instance-admin/statistics", null));
        calls.put("GET /api/admin/instance-admin/statistics/csv",
                new Call(admin, "/api/admin/instance-admin/statistics/csv", null));
        calls.put("GET /api/admin/instance-admin/statistics/key",
                new Call(admin, "/api/admin/instance-admin/statistics/key", null));
        calls.put("GET /api/admin/invoices", new Call(admin, "/api/admin/invoices", null));
        calls.put("GET /api/admin/invoices/list", new Call(admin, "/api/admin/invoices/list", null));
        calls.put("GET /api/admin/invoices/{id}", new Call(admin, "/api/admin/invoices/" + month, null));
        calls.put("GET /api/admin/invoices/{id}/pdf", new Call(admin, "/api/admin/invoices/" + month + "/pdf", null));
        calls.put("GET /api/admin/user", new Call(as(user.pat()), "/api/admin/user", null));
        calls.put("POST /api/admin/user/change-password",
                new Call(() -> RestAssured.given().cookie("unleash-session", user.cookie()),
                        "/api/admin/user/change-password",
                        () -> Map.of("password", "Str0ng-enough!", "oldPassword", Users.PASSWORD)));
        calls.put("GET /api/admin/user/tokens", new Call(as(user.pat()), "/api/admin/user/tokens", null));
        calls.put("GET /api/admin/user/profile", new Call(as(user.pat()), "/api/admin/user/profile", null));
        calls.put("GET /api/admin/user/roles",
                new Call(as(user.pat()), "/api/admin/user/roles?projectId=default", null));
        calls.put("GET /api/admin/user-admin/access", new Call(as(user.pat()), "/api/admin/user-admin/access", null));
        calls.put("POST /api/admin/user/tokens", new Call(as(user.pat()), "/api/admin/user/tokens",
                () -> Map.of("description", unique("d"), "expiresAt", future)));
        calls.put("POST /api/admin/user/tokens/{id}/rotate",
                new Call(as(userToRotate), "/api/admin/user/tokens/" + patToRotate + "/rotate", null));
        calls.put("GET /api/admin/user-admin", new Call(admin, "/api/admin/user-admin", null));
        calls.put("POST /api/admin/user-admin",
                new Call(admin, "/api/admin/user-admin", () -> Map.of("username", unique("u"), "rootRole", "Viewer")));
        calls.put("GET /api/admin/user-admin/{id}", new Call(admin, "/api/admin/user-admin/" + user.id(), null));
        calls.put("PUT /api/admin/user-admin/{id}",
                new Call(admin, "/api/admin/user-admin/" + user.id(), () -> Map.of("name", "Renamed")));
        calls.put("GET /api/admin/user-admin/search",
                new Call(admin, "/api/admin/user-admin/search?q=" + user.username(), null));
        calls.put("GET /api/admin/user-admin/admin-count", new Call(admin, "/api/admin/user-admin/admin-count", null));
        calls.put("GET /api/admin/user-admin/inactive", new Call(admin, "/api/admin/user-admin/inactive", null));
        calls.put("POST /api/admin/user-admin/inactive/delete",
                new Call(admin, "/api/admin/user-admin/inactive/delete", () -> Map.of("ids", List.of())));
        calls.put("POST /api/admin/user-admin/validate-password",
                new Call(admin, "/api/admin/user-admin/validate-password", () -> Map.of("password", "Str0ng-enough!")));
        calls.put("POST /api/admin/user-admin/{id}/change-password", new Call(admin,
                "/api/admin/user-admin/" + victim + "/change-password", () -> Map.of("password", "Str0ng-enough!")));
        calls.put("GET /api/admin/signal-endpoints", new Call(admin, "/api/admin/signal-endpoints", null));
        calls.put("POST /api/admin/signal-endpoints",
                new Call(admin, "/api/admin/signal-endpoints", () -> Map.of("name", unique("rt").toLowerCase())));
        calls.put("PUT /api/admin/signal-endpoints/{id}", new Call(admin, "/api/admin/signal-endpoints/" + endpoint,
                () -> Map.of("name", endpointName, "description", "d")));
        calls.put("POST /api/admin/signal-endpoints/{id}/off",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/off", null));
        calls.put("POST /api/admin/signal-endpoints/{id}/on",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/on", null));
        calls.put("GET /api/admin/signal-endpoints/{id}/tokens",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/tokens", null));
        calls.put("POST /api/admin/signal-endpoints/{id}/tokens",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/tokens", () -> Map.of("name", "t2")));
        calls.put("PUT /api/admin/signal-endpoints/{id}/tokens/{id}", new Call(admin,
                "/api/admin/signal-endpoints/" + endpoint + "/tokens/" + signalTokenId, () -> Map.of("name", "t3")));
        calls.put("POST /api/admin/signal-endpoints/{id}/tokens/{id}/rotate", new Call(admin,
                "/api/admin/signal-endpoints/" + endpoint + "/tokens/" + signalTokenId + "/rotate", null));
        calls.put("GET /api/admin/signal-endpoints/{id}/signals",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/signals", null));
        calls.put("POST /api/admin/signal-endpoints/{id}/signing-secret",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/signing-secret", null));
        calls.put("DELETE /api/admin/signal-endpoints/{id}/signing-secret",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/signing-secret", null));
        calls.put("POST /api/signal-endpoint/{name}", new Call(as(signalToken.getString("token")),
                "/api/signal-endpoint/" + endpointName, () -> Map.of("a", 1)));
        calls.put("GET /api/admin/signals", new Call(admin, "/api/admin/signals", null));
        calls.put("POST /api/admin/credentials/revoke-leaked",
                new Call(admin, "/api/admin/credentials/revoke-leaked", () -> Map.of("secrets", List.of("x"))));
        calls.put("GET /health", new Call(RestAssured::given, "/health", null));
        calls.put("GET /ready", new Call(RestAssured::given, "/ready", null));
        calls.put("POST /api/admin/user-admin/reset-password",
                new Call(admin, "/api/admin/user-admin/reset-password", () -> Map.of("id", user.username())));
        calls.put("GET /auth/reset/validate",
                new Call(RestAssured::given, "/auth/reset/validate?token=" + resetToken, null));
        calls.put("POST /auth/reset/password", new Call(RestAssured::given, "/auth/reset/password",
                () -> Map.of("token", resetToken, "password", "Str0ng-enough!")));
        calls.put("POST /auth/reset/validate-password", new Call(RestAssured::given, "/auth/reset/validate-password",
                () -> Map.of("password", "Str0ng-enough!")));
        calls.put("POST /auth/reset/password-email", new Call(RestAssured::given, "/auth/reset/password-email",
                () -> Map.of("email", invited + "@example.com")));
        calls.put("GET /api/admin/invite-link/tokens", new Call(admin, "/api/admin/invite-link/tokens", null));
        calls.put("POST /api/admin/invite-link/tokens", new Call(admin, "/api/admin/invite-link/tokens",
                () -> Map.of("name", unique("rt"), "expiresAt", future)));
        calls.put("GET /api/admin/invite-link/tokens/{token}",
                new Call(admin, "/api/admin/invite-link/tokens/" + inviteId, null));
        calls.put("PUT /api/admin/invite-link/tokens/{token}",
                new Call(admin, "/api/admin/invite-link/tokens/" + inviteId, () -> Map.of("enabled", true)));
        calls.put("GET /invite/{token}/validate",
                new Call(RestAssured::given, "/invite/" + invite + "/validate", null));
        calls.put("POST /invite/{token}/signup", new Call(RestAssured::given, "/invite/" + invite + "/signup",
                () -> Map.of("username", invited, "email", invited + "@example.com", "name", "Invited", "password",
                        "Str0ng-enough!")));
        calls.put("POST /auth/simple/login", new Call(RestAssured::given, "/auth/simple/login",
                () -> Map.of("username", "admin", "password", "test-admin-password")));
        // Destructive last.
        calls.put("DELETE /api/admin/signal-endpoints/{id}/tokens/{id}",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint + "/tokens/" + signalTokenId, null));
        calls.put("DELETE /api/admin/signal-endpoints/{id}",
                new Call(admin, "/api/admin/signal-endpoints/" + endpoint, null));
        calls.put("DELETE /api/admin/api-tokens/{token}", new Call(admin, "/api/admin/api-tokens/" + doomed, null));
        calls.put("DELETE /api/admin/projects/{projectId}/api-tokens/{token}", new Call(admin,
                "/api/admin/projects/default/api-tokens/" + projectTokenDoomed, null));
        calls.put("DELETE /api/admin/projects/{id}", new Call(admin, "/api/admin/projects/" + project, null));
        calls.put("DELETE /api/admin/user/tokens/{id}",
                new Call(as(user.pat()), "/api/admin/user/tokens/" + patId, null));
        calls.put("DELETE /api/admin/user-admin/{id}", new Call(admin, "/api/admin/user-admin/" + victim, null));
        calls.put("POST /logout",
                new Call(() -> RestAssured.given().cookie("unleash-session", user.cookie()), "/logout", null));

        // The document's operations, keyed like the table (path parameters by position).
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            String key = method.getKey().toUpperCase() + " " + path.getKey().replaceAll("\\{[^}]+}", "{id}");
            if (!path.getKey().startsWith("/api/test-only/")) {
                operations.put(key, method.getValue());
            }
        }));
        Map<String, Call> byKey = new LinkedHashMap<>();
        calls.forEach((key, call) -> byKey.put(key.replaceAll("\\{[^}]+}", "{id}"), call));
        TreeSet<String> uncovered = new TreeSet<>(operations.keySet());
        uncovered.removeAll(byKey.keySet());
        TreeSet<String> unknown = new TreeSet<>(byKey.keySet());
        unknown.removeAll(operations.keySet());
        uncovered.remove("GET /api/admin/signals/stream");

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Call> entry : byKey.entrySet()) {
            JsonNode operation = operations.get(entry.getKey());
            if (operation == null) {
                continue;
            }
            String documented = successCode(operation);
            Call call = entry.getValue();
            RequestSpecification request = call.caller().get();
            if (call.body() != null) {
                request = request.contentType("application/json").body(call.body().get());
            }
            String method = entry.getKey().substring(0, entry.getKey().indexOf(' '));
            Response response = request.request(method, call.path());
            String actual = String.valueOf(response.statusCode());
            if (!actual.equals(documented)) {
                problems.add(entry.getKey() + ": documented " + documented + ", answered " + actual + " "
                        + response.asString());
                continue;
            }
            JsonNode schema = resolve(doc, operation.path("responses").path(documented).path("content")
                    .path("application/json").path("schema"));
            if (!schema.isMissingNode() && response.contentType() != null
                    && response.contentType().startsWith("application/json")) {
                JsonNode body = JSON.readTree(response.asString());
                missingRequired(doc, schema, body, entry.getKey(), problems);
            }
        }
        // The stream answers 200 and keeps the connection open: read its status only.
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/admin/signals/stream"))
                .header("Authorization", ADMIN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (!String.valueOf(stream.statusCode()).equals(successCode(operations.get("GET /api/admin/signals/stream")))) {
            problems.add("GET /api/admin/signals/stream answered " + stream.statusCode());
        }
        stream.body().close();

        assertTrue(uncovered.isEmpty(), "operations with no call in this test (add one): " + uncovered);
        assertTrue(unknown.isEmpty(), "calls for operations the document does not have: " + unknown);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(requiredChecked >= 20, "only " + requiredChecked + " required fields were checked");
    }

    /** The one documented 2xx status. */
    private static String successCode(JsonNode operation) {
        List<String> codes = new ArrayList<>();
        operation.path("responses").fieldNames().forEachRemaining(code -> {
            if (code.startsWith("2")) {
                codes.add(code);
            }
        });
        return codes.size() == 1 ? codes.get(0) : "one 2xx status, not " + codes;
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        JsonNode current = schema;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            current = doc.at(ref.substring(1));
        }
        return current;
    }

    private static void missingRequired(JsonNode doc, JsonNode schema, JsonNode body, String where,
            List<String> problems) {
        schema = resolve(doc, schema);
        if (schema.path("type").asText().equals("array") && body.isArray()) {
            if (body.size() > 0) {
                missingRequired(doc, schema.path("items"), body.get(0), where + "[0]", problems);
            }
            return;
        }
        if (schema.has("required")) {
            if (!body.isObject()) {
                problems.add(where + ": the schema is an object, the answer is " + body.getNodeType());
                return;
            }
            for (JsonNode field : schema.get("required")) {
                requiredChecked++;
                if (!body.has(field.asText())) {
                    problems.add(where + ": required field " + field.asText() + " is missing");
                }
            }
        }
        if (body.isObject() && schema.has("properties")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> property = it.next();
                JsonNode value = body.get(property.getKey());
                if (value != null && !value.isNull() && (value.isObject() || value.isArray())) {
                    missingRequired(doc, property.getValue(), value, where + "." + property.getKey(), problems);
                }
            }
        }
    }
}
