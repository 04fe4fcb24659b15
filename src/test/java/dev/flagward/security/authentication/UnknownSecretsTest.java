package dev.flagward.security.authentication;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPEC §3: a secret nobody holds costs about what a real one costs. Unauthenticated floods of random secrets on
 * {@code /edge/validate} reach the database only within the miss budget (counted by the cache's own metric), and a
 * v2-shaped secret with a failing checksum is refused without any lookup.
 */
@QuarkusTest
class UnknownSecretsTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern METRIC = Pattern.compile(
            "^flagward_(auth|credential_cache)_total\\{(?:kind=\"[a-z]+\",)?result=\"([a-z-]+)\"\\} ([0-9.E]+)$",
            Pattern.MULTILINE);

    /** The family's count of this result, summed over credential kinds. */
    private static double metric(String family, String result) {
        Matcher m = METRIC.matcher(Management.request().get("/q/metrics").then().statusCode(200).extract().asString());
        double sum = 0;
        while (m.find()) {
            if (m.group(1).equals(family) && m.group(2).equals(result)) {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    private static String randomV2() {
        return CredentialFormat.mint("*:development.").secret();
    }

    private static String randomVerbatim() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "*:development." + Base64.getUrlEncoder().encodeToString(bytes);
    }

    private static void flood(Supplier<String> secrets, int count) {
        for (int sent = 0; sent < count; sent += 1000) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(secrets.get());
            }
            json(null, Map.of("tokens", batch)).post("/edge/validate").then().statusCode(200).body("tokens", empty());
        }
    }

    @Test
    void floodsOfRandomSecretsReachTheDatabaseOnlyWithinTheBudget() {
        String real = createSecret(Map.of());
        for (var kind : List.<Supplier<String>>of(UnknownSecretsTest::randomV2, UnknownSecretsTest::randomVerbatim)) {
            double lookups = metric("credential_cache", "miss");
            double fromMemory = metric("credential_cache", "miss-over-budget");
            flood(kind, 3000);
            double looked = metric("credential_cache", "miss") - lookups;
            double answered = metric("credential_cache", "miss-over-budget") - fromMemory;
            assertTrue(looked <= 1000, looked + " database lookups for 3000 random secrets");
            assertEquals(3000, looked + answered, 0.5);
            // A real token still validates in the middle of it.
            validate(real).body("tokens", hasSize(1));
        }
    }

    @Test
    void aMistypedV2SecretIsRefusedWithoutALookup() {
        String real = createSecret(Map.of());
        String typo = real.substring(0, real.length() - 1) + (real.endsWith("A") ? "B" : "A");
        double malformed = metric("auth", "malformed");
        double lookups = metric("credential_cache", "miss") + metric("credential_cache", "negative-hit")
                + metric("credential_cache", "miss-over-budget") + metric("credential_cache", "hit");
        validate(typo).body("tokens", empty());
        RestAssured.given().header("Authorization", typo.replace("*:development.", "*:*.")).get("/api/admin/api-tokens")
                .then().statusCode(401).body("name", is("UnauthorizedError"));
        assertEquals(malformed + 2, metric("auth", "malformed"), 0.5);
        assertEquals(lookups, metric("credential_cache", "miss") + metric("credential_cache", "negative-hit")
                + metric("credential_cache", "miss-over-budget") + metric("credential_cache", "hit"), 0.5);
    }

    /** An API token's prefix is its scope: one scoped to a project named like another kind's prefix is still an API token. */
    @Test
    void tokensOfProjectsNamedLikeOtherPrefixesValidate() {
        for (String project : List.of("user", "signal_alerts", "session_x")) {
            json(ADMIN, Map.of("id", project, "name", project)).post("/api/admin/projects").then().statusCode(201);
            String secret = createSecret(Map.of("projects", List.of(project)));
            assertTrue(secret.startsWith(project + ":development.v2_"), secret);
            validate(secret).body("tokens", hasSize(1)).body("tokens[0].projects[0]", is(project));
        }
    }
}
