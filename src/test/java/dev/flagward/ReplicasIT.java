package dev.flagward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.support.EventStream;
import dev.flagward.support.Eventually;
import dev.flagward.support.PackagedApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The packaged application as operators run it: two replicas (two processes) of the jar in front of one PostgreSQL,
 * started at the same moment. Checks what only several processes can show: bootstrap races, revocation reaching the
 * other replica through NOTIFY, seenAt flushed at graceful shutdown, and no secret in any log line. Runs the shared
 * conformance checker against one replica when it is present beside the project.
 */
class ReplicasIT {

    private static final String ADMIN = "*:*.it-admin-secret";
    private static final String ADMIN_PASSWORD = "it-admin-password-1";
    private static final String SECRETS_KEY = Base64.getEncoder().encodeToString(
            "replicas-it-secrets-key-32-bytes".getBytes(StandardCharsets.US_ASCII));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedPostgres postgres;
    private static String license;
    private static Path licenseKey;
    private static final List<PackagedApp> replicas = new ArrayList<>();
    private static final List<String> mintedSecrets = new ArrayList<>();

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String jar = System.getProperty("flagward.app.jar", "target/quarkus-app/quarkus-run.jar");
        // The vendor's documented way: the issuer command makes a key pair and signs a license.
        Path keys = Path.of("target", "it-license-keys");
        // --force: a previous run's pair (target/ is kept between builds) is replaced, never silently reused.
        String configLine = issuer("keygen", "--alg", "EDDSA", "--kid", "it-vendor", "--out", keys.toString(),
                "--force").strip();
        assertTrue(configLine.startsWith("FLAGWARD_LICENSE_PUBLIC_KEYS=it-vendor="), configLine);
        licenseKey = keys.resolve("it-vendor.public.pem").toAbsolutePath();
        license = issuer("sign", "--key", keys.resolve("it-vendor.private.pem").toString(), "--kid", "it-vendor",
                "--alg", "EDDSA", "--customer", "IT Corp", "--seats", "100", "--read-only-users", "100", "--days", "30")
                .strip();
        for (String name : List.of("a", "b")) {
            replicas.add(launch(name, jar));
        }
        for (PackagedApp replica : replicas) {
            awaitReady(replica);
        }
    }

    /** Runs bin/license-issuer's class with the packaged application's classpath, as the README shows. */
    private static String issuer(String... args) throws Exception {
        Path app = Path.of(System.getProperty("flagward.app.jar", "target/quarkus-app/quarkus-run.jar")).getParent();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", app.resolve("app") + "/*:" + app.resolve("lib/main") + "/*:" + app.resolve("lib/boot") + "/*",
                "dev.flagward.license.LicenseIssuer"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "license issuer failed: " + out);
        return out;
    }

    private static PackagedApp launch(String name, String jar) throws IOException {
        return launch(name, jar, license);
    }

    private static PackagedApp launch(String name, String jar, String startupLicense) throws IOException {
        return PackagedApp.start("replica-" + name, postgres.getPort(), Map.of(
                "INIT_ADMIN_API_TOKENS", ADMIN,
                "INIT_BACKEND_API_TOKENS", "default:development.it-backend-secret",
                "FLAGWARD_SECURITY_SEEN_FLUSH_INTERVAL", "1h",
                "INIT_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "FLAGWARD_LICENSE_PUBLIC_KEYS", "it-vendor=" + licenseKey,
                "FLAGWARD_SECRETS_KEY", SECRETS_KEY,
                "UNLEASH_LICENSE", startupLicense));
    }

    private static void awaitReady(PackagedApp replica) throws Exception {
        replica.awaitReady(Duration.ofSeconds(90));
    }

    /**
     * After every test: no secret minted during the run (API tokens, PATs, session cookies, the admin secret and
     * password) appears in any row of any table, events included, as text or in part.
     */
    @AfterAll
    static void stopEverything() throws Exception {
        try {
            List<String> needles = new ArrayList<>();
            for (String secret : mintedSecrets) {
                needles.add(secret);
                if (secret.contains("v2_")) {
                    needles.add(secret.substring(secret.indexOf("v2_") + 26));
                }
            }
            needles.add(ADMIN);
            needles.add(ADMIN_PASSWORD);
            int rowsSearched = 0;
            List<String> tables = new ArrayList<>();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet names = statement.executeQuery(
                            "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            for (String table : tables) {
                try (Connection connection = postgres.getPostgresDatabase().getConnection();
                        Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("select t::text from \"" + table + "\" t")) {
                    while (rows.next()) {
                        rowsSearched++;
                        String row = rows.getString(1);
                        for (String needle : needles) {
                            assertFalse(row.contains(needle), "a secret is stored in table " + table);
                        }
                    }
                }
            }
            System.out.println("secret sweep: " + needles.size() + " secrets and parts, " + rowsSearched + " rows in "
                    + tables.size() + " tables: none found");
        } finally {
            for (PackagedApp replica : replicas) {
                replica.process().destroyForcibly();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static HttpResponse<String> call(PackagedApp replica, String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        return replica.call(method, path, token, body);
    }

    private static String createToken(PackagedApp replica) throws Exception {
        HttpResponse<String> created = call(replica, "POST", "/api/admin/api-tokens", ADMIN,
                Map.of("tokenName", "it-" + System.nanoTime(), "type", "backend"));
        assertEquals(201, created.statusCode(), created.body());
        String secret = JSON.readTree(created.body()).get("secret").asText();
        mintedSecrets.add(secret);
        return secret;
    }

    /** The seenAt a replica lists for a token, or null. */
    private static String seenAtListedOn(PackagedApp replica, String selector) throws Exception {
        for (JsonNode token : JSON.readTree(call(replica, "GET", "/api/admin/api-tokens", ADMIN, null).body())
                .get("tokens")) {
            if (selector.equals(token.get("secret").asText())) {
                return token.get("seenAt").isNull() ? null : token.get("seenAt").asText();
            }
        }
        throw new AssertionError("token " + selector + " not listed");
    }

    private static boolean validOn(PackagedApp replica, String secret) throws Exception {
        HttpResponse<String> response = call(replica, "POST", "/edge/validate", null,
                Map.of("tokens", List.of(secret)));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("tokens").size() == 1;
    }

    /** Polls until the other replica refuses the secret, at most 1 s (SPEC §3); returns how long that took. */
    private static Duration untilRefused(PackagedApp replica, String secret) {
        long start = System.nanoTime();
        Eventually.within(Duration.ofSeconds(1)).alias("the revocation reaches " + replica.name() + " within 1 s")
                .until(() -> !validOn(replica, secret));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static long queryLong(String sql) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void theLicenseFromUnleashLicenseIsInstalledOnceAndServedByBothReplicas() throws Exception {
        // Two replicas started with the same UNLEASH_LICENSE: one row for it (another test may install a newer one).
        assertEquals(1, queryLong("select count(*) from licenses where installed_by = 'UNLEASH_LICENSE'"));
        for (PackagedApp replica : replicas) {
            JsonNode body = JSON.readTree(call(replica, "GET", "/api/admin/license", ADMIN, null).body());
            assertTrue(body.get("isValid").asBoolean(), body.toString());
            assertEquals("IT Corp", body.get("customer").asText());
            assertEquals(100, body.get("resources").get("seats").asInt());
            assertEquals(200, call(replica, "GET", "/api/admin/logins", ADMIN, null).statusCode());
        }
    }

    @Test
    void aLicenseInstalledOnOneReplicaIsInForceOnTheOtherWithinASecond() throws Exception {
        Path keys = Path.of("target", "it-license-keys");
        String newer = issuer("sign", "--key", keys.resolve("it-vendor.private.pem").toString(), "--kid", "it-vendor",
                "--alg", "EDDSA", "--customer", "IT Corp", "--seats", "100", "--read-only-users", "100", "--days", "45")
                .strip();
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        HttpResponse<String> installed = call(a, "POST", "/api/admin/license", ADMIN, Map.of("token", newer));
        assertEquals(201, installed.statusCode(), installed.body());
        String expireAt = JSON.readTree(installed.body()).get("expireAt").asText();
        long start = System.nanoTime();
        Eventually.within(Duration.ofSeconds(1)).alias("the license reaches " + b.name() + " within 1 s")
                .until(() -> expireAt.equals(JSON.readTree(call(b, "GET", "/api/admin/license", ADMIN, null).body())
                        .path("expireAt").asText()));
        System.out.println("the license reached the other replica after "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    @Test
    void aRotatedTokenOverlapsOnBothReplicasAndALeakedOneStopsOnTheOtherWithinASecond() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        String old = createToken(a);
        Instant end = Instant.now().plusSeconds(3);
        HttpResponse<String> rotated = call(a, "POST",
                "/api/admin/api-tokens/" + URLEncoder.encode(old, StandardCharsets.UTF_8)
                        + "/rotate",
                ADMIN, Map.of("oldExpiresAt", end.toString()));
        assertEquals(201, rotated.statusCode(), rotated.body());
        String fresh = JSON.readTree(rotated.body()).get("secret").asText();
        mintedSecrets.add(fresh);
        assertTrue(validOn(b, old));
        assertTrue(validOn(b, fresh));
        // After the overlap, every replica refuses the old secret (expiry is checked on every use, by each clock).
        Eventually.within(Duration.ofSeconds(6)).alias("the overlap ends on " + b.name())
                .until(() -> Instant.now().isAfter(end) && !validOn(b, old));
        assertTrue(Instant.now().isBefore(end.plusSeconds(2)), "refused within a second of the overlap's end");
        assertTrue(validOn(b, fresh));

        // The new one leaks: revoked on b, refused on a within a second.
        HttpResponse<String> revoked = call(b, "POST", "/api/admin/credentials/revoke-leaked", ADMIN,
                Map.of("secrets", List.of(fresh)));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(1, JSON.readTree(revoked.body()).get("revoked").asInt());
        Duration took = untilRefused(a, fresh);
        System.out.println("a leaked token's revocation reached the other replica after " + took.toMillis() + " ms");
    }

    /** The vendor's check: statistics from one replica verify offline with the key published by the other. */
    @Test
    void statisticsVerifyOfflineWithTheKeyOfAnyReplica() throws Exception {
        HttpResponse<String> csv = call(replicas.get(0), "GET", "/api/admin/instance-admin/statistics/csv", ADMIN,
                null);
        assertEquals(200, csv.statusCode(), csv.body());
        HttpResponse<String> json = call(replicas.get(1), "GET", "/api/admin/instance-admin/statistics", ADMIN, null);
        assertEquals(200, json.statusCode(), json.body());
        String pem = JSON
                .readTree(call(replicas.get(1), "GET", "/api/admin/instance-admin/statistics/key", ADMIN, null).body())
                .get("pem").asText();
        Path dir = Files.createDirectories(Path.of("target", "it-statistics"));
        Files.writeString(dir.resolve("key.pem"), pem);
        Files.writeString(dir.resolve("statistics.csv"), csv.body());
        Files.writeString(dir.resolve("statistics.json"), json.body());
        Files.writeString(dir.resolve("tampered.json"),
                json.body().replaceFirst("\"projects\":([0-9]+)", "\"projects\":9$1"));
        for (String file : List.of("statistics.csv", "statistics.json", "tampered.json")) {
            Process verify = new ProcessBuilder("bin/statistics-verify", dir.resolve(file).toString(), "--key",
                    dir.resolve("key.pem").toString()).redirectErrorStream(true).start();
            String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
            System.out.println(file + ": " + out.strip());
            assertEquals(file.startsWith("tampered") ? 1 : 0, verify.exitValue(), file + ": " + out);
        }
    }

    @Test
    void replicasStartingTogetherBootstrapOneSetOfTokens() throws Exception {
        assertEquals(1, queryLong("select count(*) from api_tokens where type = 'admin'"));
        assertEquals(1,
                queryLong("select count(*) from api_tokens where type = 'backend' and created_by = 'init-api-tokens'"));
        assertEquals(1, queryLong("select count(*) from instance"));
    }

    @Test
    void aTokenCreatedOnOneReplicaWorksOnTheOther() throws Exception {
        String secret = createToken(replicas.get(0));
        assertTrue(validOn(replicas.get(1), secret));
    }

    @Test
    void deletionOnOneReplicaStopsTheTokenOnTheOtherWithinASecond() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        String secret = createToken(a);
        assertTrue(validOn(b, secret));
        HttpResponse<String> deleted = call(a, "DELETE",
                "/api/admin/api-tokens/" + URLEncoder.encode(secret, StandardCharsets.UTF_8), ADMIN, null);
        assertEquals(200, deleted.statusCode());
        assertFalse(validOn(a, secret), "the deleting replica must refuse at once");
        Duration took = untilRefused(b, secret);
        System.out.println("deletion reached the other replica after " + took.toMillis() + " ms");
    }

    @Test
    void expiryOnOneReplicaStopsTheTokenOnTheOtherWithinASecond() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        String secret = createToken(b);
        assertTrue(validOn(a, secret));
        HttpResponse<String> expired = call(b, "PUT",
                "/api/admin/api-tokens/" + secret.substring(secret.indexOf("v2_") + 3,
                        secret.indexOf("v2_") + 25),
                ADMIN, Map.of("expiresAt", "2020-01-01T00:00:00.000Z"));
        assertEquals(200, expired.statusCode());
        assertFalse(validOn(b, secret));
        Duration took = untilRefused(a, secret);
        System.out.println("expiry reached the other replica after " + took.toMillis() + " ms");
    }

    /** Creates an Editor on a replica and returns [user id, PAT secret, PAT id]. */
    private static String[] userWithPat(PackagedApp replica) throws Exception {
        return userWithPat(replica, "Editor");
    }

    /** Creates a user with this root role on a replica and returns [user id, PAT secret, PAT id]. */
    private static String[] userWithPat(PackagedApp replica, String role) throws Exception {
        String username = "it-" + System.nanoTime();
        HttpResponse<String> user = call(replica, "POST", "/api/admin/user-admin", ADMIN,
                Map.of("username", username, "password", "it-user-password", "rootRole", role));
        assertEquals(201, user.statusCode(), user.body());
        HttpRequest login = HttpRequest.newBuilder(URI.create(replica.url("/auth/simple/login")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("username", username, "password", "it-user-password"))))
                .build();
        HttpResponse<String> signedIn = HTTP.send(login, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, signedIn.statusCode(), signedIn.body());
        String setCookie = signedIn.headers().firstValue("set-cookie").orElseThrow();
        // Production marks the session cookie Secure unless told otherwise (finding 6 of the security review).
        assertTrue(setCookie.contains("; Secure") || setCookie.contains(";Secure"),
                "the production cookie is not Secure");
        String cookie = setCookie.split(";", 2)[0];
        HttpRequest create = HttpRequest.newBuilder(URI.create(replica.url("/api/admin/user/tokens")))
                .header("Content-Type", "application/json").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("description", "it", "expiresAt", "2099-01-01T00:00:00.000Z"))))
                .build();
        HttpResponse<String> pat = HTTP.send(create, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, pat.statusCode(), pat.body());
        JsonNode body = JSON.readTree(pat.body());
        mintedSecrets.add(body.get("secret").asText());
        mintedSecrets.add(cookie.substring(cookie.indexOf('=') + 1));
        return new String[]{JSON.readTree(user.body()).get("id").asText(), body.get("secret").asText(),
                body.get("id").asText()};
    }

    private static Duration untilPatRefused(PackagedApp replica, String pat) {
        long start = System.nanoTime();
        Eventually.within(Duration.ofSeconds(1)).alias("the PAT is refused on " + replica.name() + " within 1 s")
                .until(() -> call(replica, "GET", "/api/admin/user", pat, null).statusCode() == 401);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void patAndUserDeletionReachTheOtherReplicaWithinASecond() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        String[] first = userWithPat(a);
        assertEquals(200, call(b, "GET", "/api/admin/user", first[1], null).statusCode());
        assertEquals(200, call(a, "DELETE", "/api/admin/user/tokens/" + first[2], first[1], null).statusCode());
        Duration patTook = untilPatRefused(b, first[1]);
        System.out.println("PAT deletion reached the other replica after " + patTook.toMillis() + " ms");

        String[] second = userWithPat(b);
        assertEquals(200, call(a, "GET", "/api/admin/user", second[1], null).statusCode());
        assertEquals(200, call(b, "DELETE", "/api/admin/user-admin/" + second[0], ADMIN, null).statusCode());
        Duration userTook = untilPatRefused(a, second[1]);
        System.out.println("user deletion reached the other replica after " + userTook.toMillis() + " ms");
    }

    /**
     * Issue 18: an open signal stream keeps the promise of a request. Its PAT deleted, or its user demoted, on one replica
     * ends the stream on the other within a second.
     */
    @Test
    void aSignalStreamOnOneReplicaEndsWithinASecondOfItsCredentialsRevocationOnTheOther() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        List<Long> tookMillis = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String[] admin = userWithPat(a, "Admin");
            try (EventStream stream = EventStream.open(b.url("/api/admin/signals/stream"),
                    Map.of("Authorization", admin[1]))) {
                assertEquals(200, stream.response.statusCode());
                stream.next(); // the opening frame: the stream runs
                long start = System.nanoTime();
                HttpResponse<String> revoked = i % 2 == 0
                        ? call(a, "DELETE", "/api/admin/user/tokens/" + admin[2], admin[1], null)
                        : call(a, "PUT", "/api/admin/user-admin/" + admin[0], ADMIN, Map.of("rootRole", "Viewer"));
                assertEquals(200, revoked.statusCode(), revoked.body());
                Eventually.within(Duration.ofSeconds(1)).alias("the stream on b ends within 1 s").until(stream::ended);
                tookMillis.add((System.nanoTime() - start) / 1_000_000);
                assertTrue(stream.frames().get(stream.frames().size() - 1).comments().get(0).startsWith("ended:"));
            }
        }
        System.out.println(
                "revocation on one replica ended the stream on the other after (ms, PAT deleted / user demoted "
                        + "alternately): " + tookMillis);
    }

    /**
     * A signal endpoint made on one replica takes signed calls on the other (both open the signing secret with the
     * same FLAGWARD_SECRETS_KEY), and its token deleted on one stops on the other within a second.
     */
    @Test
    void signalEndpointsWorkAcrossReplicasAndTokenDeletionReachesTheOtherWithinASecond() throws Exception {
        PackagedApp a = replicas.get(0);
        PackagedApp b = replicas.get(1);
        String name = "it-" + System.nanoTime();
        HttpResponse<String> endpoint = call(a, "POST", "/api/admin/signal-endpoints", ADMIN, Map.of("name", name));
        assertEquals(201, endpoint.statusCode(), endpoint.body());
        long id = JSON.readTree(endpoint.body()).get("id").asLong();
        HttpResponse<String> token = call(a, "POST", "/api/admin/signal-endpoints/" + id + "/tokens", ADMIN,
                Map.of("name", "sender"));
        assertEquals(201, token.statusCode(), token.body());
        String secret = JSON.readTree(token.body()).get("token").asText();
        long tokenId = JSON.readTree(token.body()).get("id").asLong();
        mintedSecrets.add(secret);
        HttpResponse<String> signing = call(a, "POST", "/api/admin/signal-endpoints/" + id + "/signing-secret", ADMIN,
                null);
        assertEquals(201, signing.statusCode(), signing.body());
        String whsec = JSON.readTree(signing.body()).get("secret").asText();
        mintedSecrets.add(whsec);

        String body = "{\"alert\":\"cpu\"}";
        long now = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring(6)), "HmacSHA256"));
        String signature = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal(("msg-1." + now + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest signed = HttpRequest.newBuilder(URI.create(b.url("/api/signal-endpoint/" + name)))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .header("webhook-id", "msg-1").header("webhook-timestamp", String.valueOf(now))
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> accepted = HTTP.send(signed, HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());

        assertEquals(200, call(a, "DELETE", "/api/admin/signal-endpoints/" + id + "/tokens/" + tokenId, ADMIN, null)
                .statusCode());
        long start = System.nanoTime();
        Eventually.within(Duration.ofSeconds(1)).alias("the signal token is refused on b within 1 s")
                .until(() -> HTTP.send(signed, HttpResponse.BodyHandlers.ofString()).statusCode() == 401);
        System.out.println("signal token deletion reached the other replica after "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    @Test
    void conformanceCheckerPasses() throws Exception {
        Path checker = Path.of("..", "shared", "conformance", "check.py");
        Assumptions.assumeTrue(Files.exists(checker), "the conformance checker is not beside the project (../shared)");
        Process run = new ProcessBuilder("python3", checker.toString(), "--base-url", replicas.get(0).url(""),
                "--admin-token", ADMIN, "--username", "admin", "--password", ADMIN_PASSWORD, "--license", license,
                "--only", "health,openapi,auth,tokens,pats,license,signals,instance")
                .redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(120, TimeUnit.SECONDS), "checker hung");
        System.out.println(output);
        assertEquals(0, run.exitValue(), output);
    }

    @Test
    void gracefulShutdownFlushesLastUseAndLogsHoldNoSecret() throws Exception {
        PackagedApp a = replicas.get(0);
        String secret = createToken(a);
        assertTrue(validOn(a, secret));
        String selector = secret.substring(secret.indexOf("v2_") + 3, secret.indexOf("v2_") + 25);
        assertEquals(0, queryLong(
                "select count(*) from api_tokens where selector = '" + selector + "' and seen_at is not null"));

        // A third replica, started with an invalid UNLEASH_LICENSE (it must start anyway, and say why in its log),
        // stopped gracefully (SIGTERM): it must write what it has pending.
        PackagedApp c = launch("c", System.getProperty("flagward.app.jar", "target/quarkus-app/quarkus-run.jar"),
                "not-a-license");
        awaitReady(c);
        assertTrue(Files.readString(c.log()).contains("UNLEASH_LICENSE was not installed"),
                "no clear log line for a bad license");
        assertTrue(validOn(c, secret));
        c.process().destroy();
        assertTrue(c.process().waitFor(30, TimeUnit.SECONDS), "replica c did not stop");
        assertEquals(1, queryLong(
                "select count(*) from api_tokens where selector = '" + selector + "' and seen_at is not null"));
        // Replica b never saw the token used: its listing learns the last use from c's announcement.
        Eventually.within(Duration.ofSeconds(2)).alias("b's listing shows c's last use")
                .until(() -> seenAtListedOn(replicas.get(1), selector) != null);

        List<String> secrets = new ArrayList<>(mintedSecrets);
        secrets.add(ADMIN);
        secrets.add(ADMIN_PASSWORD);
        secrets.add("it-backend-secret");
        for (PackagedApp replica : List.of(replicas.get(0), replicas.get(1), c)) {
            String log = Files.readString(replica.log());
            assertNotNull(log);
            for (String s : secrets) {
                assertFalse(log.contains(s), "a secret appears in the log of replica " + replica.name());
                String randomPart = s.contains("v2_") ? s.substring(s.indexOf("v2_") + 26) : s;
                assertFalse(log.contains(randomPart), "a secret's random part appears in the log of " + replica.name());
            }
        }
    }
}
