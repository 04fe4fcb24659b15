package dev.flagward.reliability;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.support.Db;
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

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every POST/PUT endpoint against a corpus of bad input: malformed JSON, the wrong JSON type for the whole body and for
 * each field, empty and 10,000-character strings, control characters and unicode, odd dates, missing and extra
 * fields, oversize bodies, wrong and missing content types, and hostile path parameters. Never a 5xx; every error is
 * the SPEC §2 body; a refused request writes nothing.
 */
@QuarkusTest
class BadInputCorpusTest {

    @Inject
    Pool pool;

    enum Kind { TEXT, DATE, TEXT_LIST, BOOLEAN, INTEGER, ROLE }

    /** {@code signed}: the request carries an Edge client's signature over the body it sends (POST /edge/issue-token). */
    record Target(String method, String path, Supplier<RequestSpecification> caller,
            Supplier<Map<String, Object>> valid,
            Map<String, Kind> fields, boolean signed) {

        Target(String method, String path, Supplier<RequestSpecification> caller, Supplier<Map<String, Object>> valid,
                Map<String, Kind> fields) {
            this(method, path, caller, valid, fields, false);
        }
    }

    private static final String[] TABLES = {"api_tokens", "api_token_projects", "users", "personal_access_tokens",
            "projects", "environments", "events", "licenses", "sessions", "signal_endpoints", "signal_endpoint_tokens",
            "signals"};

    private String snapshot() {
        StringBuilder sb = new StringBuilder();
        for (String table : TABLES) {
            sb.append(table).append('=').append(Db.count(pool, "select count(*) from " + table)).append(' ');
        }
        return sb.toString();
    }

    private static List<Object> wrongValues(Kind kind) {
        List<Object> values = new ArrayList<>(List.of(123, 1.5, true, List.of(), Map.of(), "", " ", "x".repeat(10_000),
                "\u0000\u0007\u001b[31mctrl", "ünïcödé € 😀 \u202e", "<script>alert(1)</script>",
                "'; drop table users; --"));
        values.add(null);
        if (kind == Kind.DATE) {
            values.addAll(List.of("2024-13-45T00:00:00Z", "yesterday", "1700000000", 1700000000, "2024-01-01",
                    "2024-01-01T00:00:00", "0000-00-00T00:00:00Z", "+275760-09-13T00:00:00Z",
                    "2024-01-01T00:00:00+25:00"));
        }
        if (kind == Kind.TEXT_LIST) {
            values.addAll(List.of(List.of(1, 2), List.of(""), List.of("x".repeat(10_000)),
                    Collections.nCopies(2000, "default"),
                    "default"));
        }
        if (kind == Kind.INTEGER) {
            values.addAll(List.of("12", -1, Long.MAX_VALUE, 1e300));
        }
        if (kind == Kind.ROLE) {
            values.addAll(List.of(0, 4, -1, "Owner", "admin ", List.of("Admin")));
        }
        return values;
    }

    @Test
    void nothingBreaksAndNothingRefusedIsWritten() {
        Licenses.installGenerous();
        var user = Users.withRole("Admin");
        long someUser = Users.create(unique("victim"), "Viewer");
        Supplier<RequestSpecification> admin = () -> RestAssured.given().header("Authorization", ADMIN);
        Supplier<RequestSpecification> pat = () -> RestAssured.given().header("Authorization", user.pat());
        Supplier<RequestSpecification> anyone = RestAssured::given;
        String future = iso(Instant.now().plus(5, ChronoUnit.DAYS));
        Db.rows(pool, "delete from signal_endpoints");
        String endpointName = unique("corpus").toLowerCase();
        long endpoint = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("name", endpointName)).post("/api/admin/signal-endpoints").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        var createdToken = RestAssured.given().header("Authorization", ADMIN).contentType("application/json")
                .body(Map.of("name", "corpus")).post("/api/admin/signal-endpoints/" + endpoint + "/tokens").then()
                .statusCode(201)
                .extract().jsonPath();
        String signalToken = createdToken.getString("token");
        long signalTokenId = createdToken.getLong("id");
        Supplier<RequestSpecification> sender = () -> RestAssured.given().header("Authorization", signalToken);

        List<Target> targets = List.of(
                new Target("POST", "/api/admin/api-tokens", admin,
                        () -> Map.of("tokenName", unique("c"), "type", "backend", "environment", "development",
                                "projects", List.of("default"), "expiresAt", future),
                        Map.of("tokenName", Kind.TEXT, "type", Kind.TEXT, "environment", Kind.TEXT, "projects",
                                Kind.TEXT_LIST,
                                "project", Kind.TEXT, "expiresAt", Kind.DATE)),
                new Target("POST", "/api/admin/projects/default/api-tokens", admin,
                        () -> Map.of("tokenName", unique("c"), "type", "frontend", "environment", "development",
                                "expiresAt", future),
                        Map.of("tokenName", Kind.TEXT, "type", Kind.TEXT, "environment", Kind.TEXT, "projects",
                                Kind.TEXT_LIST,
                                "project", Kind.TEXT, "expiresAt", Kind.DATE)),
                new Target("POST", "/edge/issue-token", anyone,
                        () -> Map.of("tokens",
                                List.of(Map.of("environment", "development", "projects", List.of("default")))),
                        Map.of("tokens", Kind.TEXT_LIST), true),
                new Target("PUT", "/api/admin/api-tokens/{id}", admin, () -> Map.of("expiresAt", future),
                        Map.of("expiresAt", Kind.DATE)),
                new Target("POST", "/edge/validate", anyone, () -> Map.of("tokens", List.of("x")),
                        Map.of("tokens", Kind.TEXT_LIST)),
                new Target("POST", "/api/admin/projects", admin,
                        () -> Map.of("id", unique("p"), "name", "P", "description", "d"),
                        Map.of("id", Kind.TEXT, "name", Kind.TEXT, "description", Kind.TEXT)),
                new Target("POST", "/api/admin/environments", admin,
                        () -> Map.of("name", unique("e"), "type", "test", "enabled", true, "sortOrder", 5),
                        Map.of("name", Kind.TEXT, "type", Kind.TEXT, "enabled", Kind.BOOLEAN, "sortOrder",
                                Kind.INTEGER)),
                new Target("POST", "/api/admin/user-admin", admin,
                        () -> Map.of("username", unique("u"), "email", unique("u") + "@example.com", "name", "N",
                                "password", "a-long-enough-password", "rootRole", "Viewer"),
                        Map.of("username", Kind.TEXT, "email", Kind.TEXT, "name", Kind.TEXT, "password", Kind.TEXT,
                                "rootRole", Kind.ROLE)),
                new Target("PUT", "/api/admin/user-admin/" + someUser, admin,
                        () -> Map.of("name", "Renamed", "rootRole", "Viewer"),
                        Map.of("name", Kind.TEXT, "email", Kind.TEXT, "rootRole", Kind.ROLE)),
                new Target("POST", "/api/admin/user/tokens", pat,
                        () -> Map.of("description", unique("d"), "expiresAt", future),
                        Map.of("description", Kind.TEXT, "expiresAt", Kind.DATE)),
                new Target("POST", "/api/admin/license", admin, () -> Map.of("token", "a.b.c"),
                        Map.of("token", Kind.TEXT)),
                new Target("POST", "/auth/simple/login", anyone,
                        () -> Map.of("username", unique("nobody"), "password", "pw"),
                        Map.of("username", Kind.TEXT, "password", Kind.TEXT)),
                new Target("POST", "/api/admin/signal-endpoints", admin,
                        () -> Map.of("name", unique("s").toLowerCase(), "description", "d", "enabled", true),
                        Map.of("name", Kind.TEXT, "description", Kind.TEXT, "enabled", Kind.BOOLEAN)),
                new Target("PUT", "/api/admin/signal-endpoints/" + endpoint, admin,
                        () -> Map.of("name", endpointName, "description", "d", "enabled", true),
                        Map.of("name", Kind.TEXT, "description", Kind.TEXT, "enabled", Kind.BOOLEAN)),
                new Target("POST", "/api/admin/signal-endpoints/" + endpoint + "/tokens", admin,
                        () -> Map.of("name", unique("t")),
                        Map.of("name", Kind.TEXT)),
                new Target("PUT", "/api/admin/signal-endpoints/" + endpoint + "/tokens/" + signalTokenId, admin,
                        () -> Map.of("name", "corpus"), Map.of("name", Kind.TEXT)),
                new Target("POST", "/api/signal-endpoint/" + endpointName, sender,
                        () -> Map.of("alert", "cpu", "value", 97),
                        Map.of("alert", Kind.TEXT, "value", Kind.INTEGER)));

        int cases = 0;
        List<String> failures = new ArrayList<>();
        for (Target target : targets) {
            List<Object[]> bodies = new ArrayList<>();
            // Whole-body shapes.
            for (String raw : new String[]{"", "{", "[]", "[{}]", "\"text\"", "42", "null", "true", "{}",
                    "{\"a\":1} trailing",
                    "\u0000", "{\"a\":\u0001}", "{'single':'quotes'}",
                    "{\"deep\":" + "[".repeat(2000) + "]".repeat(2000) + "}"}) {
                bodies.add(new Object[]{"raw " + abbreviate(raw), "application/json", raw});
            }
            bodies.add(new Object[]{"oversize", "application/json", "{\"x\":\"" + "y".repeat(200_000) + "\"}"});
            // Per field: missing, wrong types and odd values; plus an unknown extra field.
            for (var field : target.fields().entrySet()) {
                Map<String, Object> missing = new LinkedHashMap<>(target.valid().get());
                missing.remove(field.getKey());
                bodies.add(new Object[]{field.getKey() + " missing", "application/json", missing});
                for (Object value : wrongValues(field.getValue())) {
                    Map<String, Object> body = new LinkedHashMap<>(target.valid().get());
                    body.put(field.getKey(), value);
                    bodies.add(new Object[]{field.getKey() + "=" + abbreviate(String.valueOf(value)),
                            "application/json", body});
                }
            }
            Map<String, Object> extra = new LinkedHashMap<>(target.valid().get());
            extra.put("unexpected", Map.of("nested", List.of(1, 2)));
            bodies.add(new Object[]{"extra field", "application/json", extra});
            // Content types.
            for (String type : new String[]{"text/plain", "application/xml", "application/x-www-form-urlencoded", null,
                    "application/json; charset=utf-8", "APPLICATION/JSON"}) {
                bodies.add(new Object[]{"content-type " + type, type, toJson(target.valid().get())});
            }

            for (Object[] c : bodies) {
                String before = snapshot();
                RequestSpecification request = target.caller().get();
                if (c[1] != null) {
                    request = request.contentType((String) c[1]);
                }
                if (target.signed()) {
                    // Signed over the exact text sent, so each bad body reaches the body rules, not the signature's.
                    String text = c[2] instanceof String raw ? raw : toJson(c[2]);
                    var signature = EdgeSigning.sign(text, EdgeSigning.CLIENT,
                            EdgeSigning.SECRET, Instant.now());
                    request = request.header("Authorization", signature.authorization())
                            .header("x-timestamp", signature.timestamp())
                            .header("x-nonce", signature.nonce()).header("content-sha256", signature.bodyHash())
                            .body(text);
                } else {
                    request = c[2] instanceof String raw
                            ? request.body(raw)
                            : request.body(c[2]);
                }
                String path = target.path().replace("{id}", "not-a-token");
                Response response = request.request(target.method(), path);
                cases++;
                String label = target.method() + " " + target.path() + " [" + c[0] + "]";
                check(label, response, failures);
                if (response.statusCode() >= 400 && !target.path().equals("/auth/simple/login")) {
                    String after = snapshot();
                    if (!before.equals(after)) {
                        failures.add(label + ": refused with " + response.statusCode() + " but wrote: " + before
                                + " -> " + after);
                    }
                }
            }
        }

        // Hostile path parameters.
        for (String param : new String[]{"x".repeat(5000), "abc", "-1", "0", "99999999999999999999", "%00",
                "..%2F..%2Fetc",
                "%E2%98%83", "%25", "1;drop", " "}) {
            for (String[] call : new String[][]{{"DELETE", "/api/admin/api-tokens/"}, {"PUT", "/api/admin/api-tokens/"},
                    {"GET", "/api/admin/api-tokens/"}, {"GET", "/api/admin/user-admin/"},
                    {"DELETE", "/api/admin/user-admin/"},
                    {"DELETE", "/api/admin/user/tokens/"}, {"DELETE", "/api/admin/projects/"},
                    {"DELETE", "/api/admin/projects/default/api-tokens/"}, {"GET", "/api/admin/user/roles?projectId="},
                    {"DELETE", "/api/admin/signal-endpoints/"},
                    {"GET", "/api/admin/signal-endpoints/" + endpoint + "/tokens/"},
                    {"DELETE", "/api/admin/signal-endpoints/" + endpoint + "/tokens/"},
                    {"POST", "/api/signal-endpoint/"},
                    {"POST", "/api/admin/signal-endpoints/"}}) {
                String before = snapshot();
                RequestSpecification request = (call[1].contains("/user/")
                        ? pat
                        : call[1].startsWith("/api/signal-endpoint/") ? sender : admin).get().urlEncodingEnabled(false);
                if (call[0].equals("PUT")) {
                    request = request.contentType("application/json").body(Map.of("expiresAt", future));
                }
                Response response = request.request(call[0], call[1] + param.replace(" ", "%20"));
                cases++;
                String label = call[0] + " " + call[1] + abbreviate(param);
                check(label, response, failures);
                if (response.statusCode() >= 400 && !before.equals(snapshot())) {
                    failures.add(label + ": refused but wrote something");
                }
            }
        }
        for (String path : new String[]{"/api/admin/api-tokens", "/api/admin/projects", "/api/admin/environments",
                "/api/admin/user-admin", "/api/admin/events?limit=1000", "/api/admin/logins",
                "/api/admin/signal-endpoints",
                "/api/admin/signals?limit=1000", "/api/admin/signal-endpoints/" + endpoint + "/signals?limit=1000"}) {
            int status = admin.get().get(path).statusCode();
            if (status != 200) {
                failures.add("after the corpus, GET " + path + " answers " + status);
            }
        }
        if (pat.get().get("/api/admin/user/tokens").statusCode() != 200) {
            failures.add("after the corpus, the PAT list fails");
        }
        System.out.println("bad-input corpus: " + cases + " cases, " + failures.size() + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n"
                + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }

    private static void check(String label, Response response, List<String> failures) {
        int status = response.statusCode();
        if (status >= 500) {
            failures.add(label + ": " + status + " " + abbreviate(response.asString()));
            return;
        }
        if (status >= 400) {
            String body = response.asString();
            String lower = body.toLowerCase();
            boolean shaped;
            try {
                var json = response.jsonPath();
                shaped = json.getString("id") != null && json.getString("name") != null
                        && json.getString("message") != null
                        && json.getList("details") != null && !json.getList("details").isEmpty();
            } catch (RuntimeException notJson) {
                shaped = false;
            }
            if (!shaped || lower.contains("exception") || lower.contains("select ") || lower.contains("at java.")) {
                failures.add(label + ": " + status + " without the error body: " + abbreviate(body));
            }
        }
    }

    private static String toJson(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 60 ? clean.substring(0, 60) + "…(" + clean.length() + ")" : clean;
    }
}
