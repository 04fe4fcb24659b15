package dev.flagward.web;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.empty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.support.Management;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus text at /q/metrics (management port) after traffic: each meter, its labels, and no secret. */
@QuarkusTest
class MetricsTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    private static String metrics() {
        return Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The sum of this metric's samples whose labels include all of these; 0 when there is none yet. Summed, so that
     * a reading before and one after compare the same series whatever order the registry prints them in.
     */
    private static double total(String text, String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + name + "(?:\\{(.*)\\})? (\\S+)$").matcher(text);
        double sum = 0;
        while (line.find()) {
            String found = line.group(1) == null ? "" : line.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }

    /** The value of the first sample of this metric whose labels include all of these (for gauges). */
    private static double sample(String text, String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + name + "(?:\\{(.*)\\})? (\\S+)$").matcher(text);
        while (line.find()) {
            String found = line.group(1) == null ? "" : line.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.group(2));
            }
        }
        throw new AssertionError("no " + name + " with " + List.of(labels) + " in:\n" + grep(text, name));
    }

    /** How much a counter moved between two readings: earlier tests share the registry. */
    private static double moved(String before, String after, String name, String... labels) {
        return total(after, name, labels) - total(before, name, labels);
    }

    private static String grep(String text, String name) {
        StringBuilder out = new StringBuilder();
        for (String l : text.split("\n")) {
            if (l.startsWith(name)) {
                out.append(l).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void everyMeterWithItsLabelsAndNoSecretInAny() {
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        String name = unique("metrics-private-name");
        Map<String, Object> token = createToken(Map.of("tokenName", name, "type", "backend"));
        String secret = (String) token.get("secret");
        Users.TestUser editor = Users.withRole("Editor");
        String before = metrics();

        admin().get("/api/admin/api-tokens/" + name).then().statusCode(200);
        as(editor.pat()).get("/api/admin/user").then().statusCode(200);
        as("*:*.v2_AAAAAAAAAAAAAAAAAAAAAA_notarealtokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000").get("/api/admin/api-tokens")
                .then().statusCode(401);
        as("not-a-token-" + name).get("/api/admin/api-tokens").then().statusCode(401);
        RestAssured.get("/api/admin/api-tokens").then().statusCode(401);
        admin().get("/api/admin/no-such-route-" + name).then().statusCode(404);
        admin().get("/api/admin/instance-admin/statistics").then().statusCode(200);
        admin().get("/api/admin/instance-admin/statistics/csv").then().statusCode(200);
        admin().get("/api/admin/invoices").then().statusCode(200);
        admin().get("/api/admin/invoices/list").then().statusCode(200);
        // A revocation: every replica (this one too) hears of it through PostgreSQL.
        // (A path parameter: rest-assured encodes it once. Pre-encoded, it was encoded twice and deleted nothing.)
        admin().delete("/api/admin/api-tokens/{token}", secret).then().statusCode(200);

        Eventually.within(Duration.ofSeconds(10)).alias("the revocation's notification is counted")
                .until(() -> moved(before, metrics(), "flagward_revocation_lag_seconds_count") >= 1);
        String text = metrics();

        // Exactly the requests above, by route and status.
        assertEquals(1,
                moved(before, text, "http_server_requests_seconds_count", "uri=\"/api/admin/api-tokens/{token}\"",
                        "status=\"200\"", "method=\"GET\""));
        assertEquals(3, moved(before, text, "http_server_requests_seconds_count", "uri=\"/api/admin/api-tokens\"",
                "status=\"401\"", "method=\"GET\""));
        // Authentication outcomes: one PAT, one request without credentials, two secrets nobody holds.
        assertEquals(1, moved(before, text, "flagward_auth_total", "kind=\"pat\"", "result=\"success\""));
        assertEquals(1, moved(before, text, "flagward_auth_total", "kind=\"none\"", "result=\"missing\""));
        assertEquals(2, moved(before, text, "flagward_auth_total", "result=\"malformed\"")
                + moved(before, text, "flagward_auth_total", "result=\"unknown\""));
        // Seven admin-token requests: six to resources, and the unknown route, which authenticates first under /api/.
        assertEquals(7, moved(before, text, "flagward_auth_total", "kind=\"api\"", "result=\"success\""));
        // Those seven and the PAT were answered by the cache: from memory, or looked up once while a change announced
        // for them was being applied (the PAT was created just before; CI saw one such lookup in five runs).
        assertTrue(moved(before, text, "flagward_credential_cache_total", "result=\"hit\"")
                + moved(before, text, "flagward_credential_cache_total", "result=\"miss\"") >= 8,
                grep(text, "flagward_credential_cache_total"));
        assertTrue(Pattern.compile("(?m)^flagward_credential_cache_size \\d").matcher(text).find(),
                grep(text, "flagward_credential_cache_size"));
        assertTrue(Pattern.compile("(?m)^flagward_revocation_notifications_total \\d").matcher(text).find());
        assertTrue(Pattern.compile("(?m)^flagward_license_days_to_expiry 3\\d\\d\\.").matcher(text).find(),
                grep(text, "flagward_license_days"));
        assertEquals(10_000, sample(text, "flagward_license_seats", "state=\"limit\""));
        sample(text, "flagward_license_seats", "state=\"used\"");
        sample(text, "flagward_license_read_only_users", "state=\"limit\"");
        assertEquals(1, moved(before, text, "flagward_statistics_requests_total", "format=\"json\""));
        assertEquals(1, moved(before, text, "flagward_statistics_requests_total", "format=\"csv\""));
        assertEquals(1, moved(before, text, "flagward_invoices_requests_total", "format=\"list\""));
        assertEquals(1, moved(before, text, "flagward_invoices_requests_total", "format=\"detailed\""));

        // Labels name routes, kinds and outcomes, never what a caller sent.
        for (String forbidden : List.of(name, secret, secret.substring(secret.indexOf("v2_")), ADMIN, editor.pat(),
                editor.username(), "no-such-route", "notarealtoken")) {
            assertFalse(text.contains(forbidden), "metrics contain " + forbidden);
        }
        validate(secret).body("tokens", empty()); // the revocation above did revoke
    }
}
