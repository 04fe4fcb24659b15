package dev.flagward.web;

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

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.unique;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** The value of the first sample of this metric whose labels include all of these. */
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

        admin().get("/api/admin/api-tokens/" + name).then().statusCode(200);
        as(editor.pat()).get("/api/admin/user").then().statusCode(200);
        as("*:*.v2_AAAAAAAAAAAAAAAAAAAAAA_notarealtokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000").get("/api/admin/api-tokens").then().statusCode(401);
        as("not-a-token-" + name).get("/api/admin/api-tokens").then().statusCode(401);
        RestAssured.get("/api/admin/api-tokens").then().statusCode(401);
        admin().get("/api/admin/no-such-route-" + name).then().statusCode(404);
        admin().get("/api/admin/instance-admin/statistics").then().statusCode(200);
        admin().get("/api/admin/instance-admin/statistics/csv").then().statusCode(200);
        admin().get("/api/admin/invoices").then().statusCode(200);
        admin().get("/api/admin/invoices/list").then().statusCode(200);
        // A revocation: every replica (this one too) hears of it through PostgreSQL.
        admin().delete("/api/admin/api-tokens/" + java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8))
                .then().statusCode(200);

        Eventually.within(Duration.ofSeconds(10)).alias("the revocation's notification is counted")
                .until(() -> sample(metrics(), "flagward_revocation_lag_seconds_count") >= 1);
        String text = metrics();

        assertTrue(sample(text, "http_server_requests_seconds_count", "uri=\"/api/admin/api-tokens/{name}\"", "status=\"200\"", "method=\"GET\"") >= 1);
        assertTrue(sample(text, "http_server_requests_seconds_count", "uri=\"/api/admin/api-tokens\"", "status=\"401\"") >= 3);
        assertTrue(sample(text, "flagward_auth_total", "kind=\"api\"", "result=\"success\"") >= 1);
        assertTrue(sample(text, "flagward_auth_total", "kind=\"pat\"", "result=\"success\"") >= 1);
        assertTrue(sample(text, "flagward_auth_total", "kind=\"none\"", "result=\"missing\"") >= 1);
        assertTrue(sample(text, "flagward_auth_total", "result=\"malformed\"") + sample(text, "flagward_auth_total", "result=\"unknown\"") >= 2);
        assertTrue(sample(text, "flagward_credential_cache_total", "result=\"hit\"") >= 1);
        assertTrue(Pattern.compile("(?m)^flagward_credential_cache_size \\d").matcher(text).find(), grep(text, "flagward_credential_cache_size"));
        assertTrue(Pattern.compile("(?m)^flagward_revocation_notifications_total \\d").matcher(text).find());
        assertTrue(Pattern.compile("(?m)^flagward_license_days_to_expiry 3\\d\\d\\.").matcher(text).find(), grep(text, "flagward_license_days"));
        assertTrue(sample(text, "flagward_license_seats", "state=\"limit\"") == 10_000);
        sample(text, "flagward_license_seats", "state=\"used\"");
        sample(text, "flagward_license_read_only_users", "state=\"limit\"");
        assertTrue(sample(text, "flagward_statistics_requests_total", "format=\"json\"") >= 1);
        assertTrue(sample(text, "flagward_statistics_requests_total", "format=\"csv\"") >= 1);
        assertTrue(sample(text, "flagward_invoices_requests_total", "format=\"list\"") >= 1);
        assertTrue(sample(text, "flagward_invoices_requests_total", "format=\"detailed\"") >= 1);

        // Labels name routes, kinds and outcomes, never what a caller sent.
        for (String forbidden : List.of(name, secret, secret.substring(secret.indexOf("v2_")), ADMIN, editor.pat(),
                editor.username(), "no-such-route", "notarealtoken")) {
            assertFalse(text.contains(forbidden), "metrics contain " + forbidden);
        }
    }
}
