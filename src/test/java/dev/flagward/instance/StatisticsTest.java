package dev.flagward.instance;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Instance statistics (SPEC §8.1): the figures against a fixture, Unleash's sum, the signature, the CSV. */
@QuarkusTest
class StatisticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    private ObjectNode statistics() throws Exception {
        return (ObjectNode) JSON.readTree(admin().get("/api/admin/instance-admin/statistics")
                .then().statusCode(200).contentType("application/json").extract().asString());
    }

    private PublicKey publishedKey() {
        String pem = admin().get("/api/admin/instance-admin/statistics/key").then().statusCode(200)
                .extract().jsonPath().getString("pem");
        return StatisticsVerifier.publicKey(pem);
    }

    /** How much a figure (a path like {@code apiTokens.backend}) moved between two readings. */
    private static long delta(ObjectNode before, ObjectNode after, String path) {
        JsonNode from = before;
        JsonNode to = after;
        for (String part : path.split("\\.")) {
            from = from.get(part);
            to = to.get(part);
        }
        return to.asLong() - from.asLong();
    }

    @Test
    void figuresMoveByWhatTheFixtureMade() throws Exception {
        // Other tests share the database: the expectations are differences from a reading taken first, through the
        // API, and every difference is what this test made below.
        Licenses.remove(pool, license);
        Licenses.installGenerous(); // signals need it; seats are plenty
        Db.rows(pool, "delete from signal_endpoints"); // at most 5: start from none, as the signal tests do
        // Edge instances: two buckets in one month (1 and 2 instances) and one in another.
        Db.rows(pool, "delete from edge_instance_sightings");
        Db.rows(pool, "insert into edge_instance_sightings (bucket_start, instance_id) values "
                + "('2026-10-03T10:00:00Z', 'edge-a'), ('2026-10-03T10:05:00Z', 'edge-a'), ('2026-10-03T10:05:00Z', 'edge-b'),"
                + "('2026-11-20T00:00:00Z', 'edge-c')");
        ObjectNode before = statistics();

        // Users: five live ones, each but the last signed in with one PAT, and one deleted.
        Users.TestUser editor = Users.withRole("Editor"); // active now
        Users.TestUser viewer = Users.withRole("Viewer"); // active now
        Users.TestUser patUser = Users.withRole("Editor"); // active 20 days ago, by PAT use only
        Users.TestUser admin45 = Users.withRole("Admin"); // signed in 45 days ago
        Users.create(unique("never"), "Viewer"); // never active, no PAT
        long gone = Users.create(unique("gone"), "Editor");
        admin().delete("/api/admin/user-admin/" + gone).then().statusCode(200);
        Db.rows(pool, "update users set seen_at = now() - interval '200 days' where id = $1", patUser.id());
        Db.rows(pool, "update personal_access_tokens set seen_at = now() - interval '20 days' where user_id = $1",
                patUser.id());
        Db.rows(pool, "update users set seen_at = now() - interval '45 days' where id = $1", admin45.id());
        // A rotated PAT: the replaced one stays stored (expiring) beside its replacement.
        long editorPat = as(editor.pat()).get("/api/admin/user/tokens").then().extract().jsonPath()
                .getLong("pats[0].id");
        as(editor.pat()).post("/api/admin/user/tokens/" + editorPat + "/rotate").then().statusCode(201);

        // API tokens: two backend (one rotated), one client, one frontend expired at once, one backend deleted.
        String rotated = createSecret(Map.of("type", "backend"));
        createSecret(Map.of("type", "backend"));
        createSecret(Map.of("type", "client"));
        String expired = createSecret(Map.of("type", "frontend"));
        String deleted = createSecret(Map.of("type", "backend"));
        admin().post("/api/admin/api-tokens/{token}/rotate", rotated).then().statusCode(201);
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(60))))
                .put("/api/admin/api-tokens/{token}", expired)
                .then().statusCode(200);
        admin().delete("/api/admin/api-tokens/{token}", deleted).then().statusCode(200);

        // One project, one environment, one signal endpoint that received two signals.
        json(ADMIN, Map.of("id", unique("stats").toLowerCase(), "name", "Statistics")).post("/api/admin/projects")
                .then().statusCode(201);
        json(ADMIN, Map.of("name", unique("stats-env"), "type", "test")).post("/api/admin/environments").then()
                .statusCode(201);
        String endpoint = unique("stats").toLowerCase();
        long endpointId = json(ADMIN, Map.of("name", endpoint)).post("/api/admin/signal-endpoints").then()
                .statusCode(201)
                .extract().jsonPath().getLong("id");
        String signalToken = json(ADMIN, Map.of("name", "t"))
                .post("/api/admin/signal-endpoints/" + endpointId + "/tokens")
                .then().statusCode(201).extract().path("token");
        for (int i = 0; i < 2; i++) {
            json(signalToken, Map.of("n", i)).post("/api/signal-endpoint/" + endpoint).then().statusCode(202);
        }

        ObjectNode after = statistics();

        assertEquals(5, delta(before, after, "users"));
        assertEquals(1, delta(before, after, "usersByRole.Admin"));
        assertEquals(2, delta(before, after, "usersByRole.Editor"));
        assertEquals(2, delta(before, after, "usersByRole.Viewer"));
        // Stored tokens, as Unleash counts its table: a replaced or expired token still counts, a deleted one not.
        assertEquals(0, delta(before, after, "apiTokens.admin"));
        assertEquals(3, delta(before, after, "apiTokens.backend"));
        assertEquals(1, delta(before, after, "apiTokens.client"));
        assertEquals(1, delta(before, after, "apiTokens.frontend"));
        assertEquals(5, delta(before, after, "personalAccessTokens"));
        assertEquals(1, delta(before, after, "signalEndpoints"));
        assertEquals(2, delta(before, after, "signals"));
        assertEquals(1, delta(before, after, "projects"));
        assertEquals(1, delta(before, after, "environments"));
        assertEquals(0, after.get("serviceAccounts").asLong());
        // As the license counts them: non-Viewers, the one deleted today included; and live Viewers.
        assertEquals(4, delta(before, after, "licensedUsers"));
        assertEquals(2, delta(before, after, "readOnlyUsers"));
        // The windows tell the users apart: now (2), by PAT 20 days ago (+1 from 30 days), 45 days ago (+1 from 60).
        assertEquals(2, delta(before, after, "activeUsers.last7"));
        assertEquals(3, delta(before, after, "activeUsers.last30"));
        assertEquals(4, delta(before, after, "activeUsers.last60"));
        assertEquals(4, delta(before, after, "activeUsers.last90"));
        assertEquals(1.5, after.get("edgeInstanceUsage").get("2026-10").asDouble());
        assertEquals(1.0, after.get("edgeInstanceUsage").get("2026-11").asDouble());
        assertEquals(Db.rows(pool, "select instance_id from instance").get(0).getString(0),
                after.get("instanceId").asText());
        assertTrue(after.get("timestamp").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"),
                "RFC 3339 in UTC with milliseconds: " + after.get("timestamp"));
        Instant timestamp = Instant.parse(after.get("timestamp").asText());
        assertTrue(Math.abs(timestamp.toEpochMilli() - System.currentTimeMillis()) < 60_000, "timestamp " + timestamp);

        admin().delete("/api/admin/signal-endpoints/" + endpointId).then().statusCode(200);
    }

    @Test
    void sumIsUnleashsFormula() throws Exception {
        ObjectNode stats = statistics();
        // unleash-server: sha256(`${instanceId}${users}${featureToggles}${projects}${roles}${groups}${environments}${segments}`)
        String data = stats.get("instanceId").asText() + stats.get("users").asLong() + 0
                + stats.get("projects").asLong()
                + 3 + 0 + stats.get("environments").asLong() + 0;
        String expected = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, stats.get("sum").asText());
    }

    /**
     * Unleash's statistics fields that Flagward can answer truthfully: its version for both editions, password sign-in
     * on and single sign-on and SCIM off, and zero of everything Flagward does not have. They are signed and in the
     * CSV like every other figure, and Unleash's sum stays what it was.
     */
    @Test
    void unleashsOtherFieldsAreAnsweredAsTheyAreHere() throws Exception {
        ObjectNode stats = statistics();
        assertEquals(stats.get("versionOSS").asText(), stats.get("versionEnterprise").asText());
        assertTrue(stats.get("passwordAuthEnabled").asBoolean());
        for (String off : List.of("SAMLenabled", "OIDCenabled", "SCIMenabled")) {
            assertTrue(stats.get(off).isBoolean() && !stats.get(off).asBoolean(), off + " " + stats.get(off));
        }
        for (String none : List.of("archivedFeatureToggles", "contextFields", "customRootRoles", "customRootRolesInUse",
                "strategies", "featureExports", "featureImports", "releaseTemplates", "releasePlans",
                "maxEnvironmentStrategies", "maxConstraints", "maxConstraintValues", "productionChanges.last30",
                "productionChanges.last60", "productionChanges.last90", "previousDayMetricsBucketsCount.enabledCount",
                "previousDayMetricsBucketsCount.variantCount")) {
            JsonNode value = stats;
            for (String part : none.split("\\.")) {
                value = value.get(part);
            }
            assertTrue(value != null && value.isIntegralNumber() && value.asLong() == 0, none + " " + value);
        }
        assertEquals(JSON.readTree("[{\"range\":\"allTime\",\"count\":0},{\"range\":\"30d\",\"count\":0},"
                + "{\"range\":\"7d\",\"count\":0}]"), stats.get("clientApps"));

        // Sealed: the payload holds them, and changing one breaks the signature's check.
        PublicKey key = publishedKey();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(stats.get("signature").asText());
        jws.setKey(key);
        assertTrue(jws.verifySignature());
        JsonNode payload = JSON.readTree(jws.getPayload());
        for (String field : List.of("versionEnterprise", "passwordAuthEnabled", "SCIMenabled", "clientApps",
                "productionChanges")) {
            assertEquals(stats.get(field), payload.get(field), field);
        }
        ObjectNode changed = stats.deepCopy();
        changed.put("SAMLenabled", true);
        assertFalse(StatisticsVerifier.verify(changed.toString(), key).valid());
        changed = stats.deepCopy();
        ((ObjectNode) changed.get("clientApps").get(1)).put("count", 7);
        assertFalse(StatisticsVerifier.verify(changed.toString(), key).valid());

        // In the CSV, as dotted columns, and the CSV still verifies.
        String csv = admin().get("/api/admin/instance-admin/statistics/csv").then().statusCode(200).extract()
                .asString();
        List<String> header;
        CSVRecord row;
        try (CSVParser parser = CSVParser.parse(new StringReader(csv),
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            header = parser.getHeaderNames();
            row = parser.getRecords().get(0);
        }
        for (String column : List.of("versionEnterprise", "passwordAuthEnabled", "SAMLenabled", "OIDCenabled",
                "SCIMenabled",
                "customRootRoles", "productionChanges.last90", "clientApps.0.range", "clientApps.2.count")) {
            assertTrue(header.contains(column), column + " in " + header);
        }
        assertEquals("true", row.get("passwordAuthEnabled"));
        assertEquals("7d", row.get("clientApps.2.range"));
        assertTrue(StatisticsVerifier.verify(csv, key).valid(), StatisticsVerifier.verify(csv, key).message());
        String tampered = csv.replace(",7d,0,", ",7d,5,");
        assertFalse(tampered.equals(csv), "the CSV holds the 7d count");
        assertFalse(StatisticsVerifier.verify(tampered, key).valid());
    }

    @Test
    void signatureVerifiesWithThePublishedKeyAndSealsEveryFigure() throws Exception {
        ObjectNode stats = statistics();
        PublicKey key = publishedKey();
        String signature = stats.get("signature").asText();

        // An independent reading with jose4j: EdDSA, typed, the published kid, payload = the object without signature.
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(signature);
        jws.setKey(key);
        assertTrue(jws.verifySignature());
        assertEquals("EdDSA", jws.getAlgorithmHeaderValue());
        assertEquals("statistics+jwt", jws.getHeader("typ"));
        String kid = admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath()
                .getString("kid");
        assertEquals(kid, jws.getKeyIdHeaderValue());
        ObjectNode unsigned = stats.deepCopy();
        unsigned.remove("signature");
        assertEquals(unsigned, JSON.readTree(jws.getPayload()), "the payload is exactly the statistics, nothing added");

        assertTrue(StatisticsVerifier.verify(stats.toString(), key).valid());

        // Any change fails: a figure, a nested figure, the sum, an added field, a removed one.
        for (String change : List.of("users", "apiTokens.admin", "sum", "added", "removed")) {
            ObjectNode changed = stats.deepCopy();
            switch (change) {
                case "users" -> changed.put("users", stats.get("users").asLong() + 1);
                case "apiTokens.admin" -> ((ObjectNode) changed.get("apiTokens")).put("admin", 0 + 1000);
                case "sum" -> changed.put("sum", "0".repeat(64));
                case "added" -> changed.put("seats", 1);
                default -> changed.remove("projects");
            }
            StatisticsVerifier.Result result = StatisticsVerifier.verify(changed.toString(), key);
            assertFalse(result.valid(), change + ": " + result.message());
        }
        // A tampered payload inside the JWS fails too.
        String[] parts = signature.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"users\":", "\"users\":1").getBytes(StandardCharsets.UTF_8));
        ObjectNode forged = stats.deepCopy();
        forged.put("signature", parts[0] + "." + forgedPayload + "." + parts[2]);
        assertFalse(StatisticsVerifier.verify(forged.toString(), key).valid());
        // Another Ed25519 key fails.
        PublicKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertFalse(StatisticsVerifier.verify(stats.toString(), other).valid());
    }

    @Test
    void oneKeyPerInstanceStoredSealed() throws Exception {
        String kid = admin().get("/api/admin/instance-admin/statistics/key").then().statusCode(200).extract().jsonPath()
                .getString("kid");
        assertEquals(kid,
                admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath().getString("kid"));
        assertEquals(1, Db.count(pool, "select count(*) from instance_signing_key"));
        assertEquals(kid, Db.rows(pool, "select kid from instance_signing_key").get(0).getString(0));
        // The JWK is the same key as the PEM, and carries no private part.
        Map<String, Object> jwk = admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath()
                .getMap("jwk");
        assertEquals("OKP", jwk.get("kty"));
        assertEquals("Ed25519", jwk.get("crv"));
        assertEquals(kid, jwk.get("kid"));
        assertFalse(jwk.containsKey("d"));
        assertEquals(InstanceSigningKey.thumbprint(publishedKey()), kid);
        // The private key is stored sealed: 12-byte nonce + ciphertext + 16-byte tag around a 48-byte PKCS#8 key.
        byte[] stored = Db.rows(pool, "select private_key from instance_signing_key").get(0).getBuffer(0).getBytes();
        assertEquals(12 + 48 + 16, stored.length);
    }

    @Test
    void csvIsOneRowWithDottedColumnsAndTheSameSignature() throws Exception {
        Response response = admin().get("/api/admin/instance-admin/statistics/csv");
        response.then().statusCode(200).contentType("text/csv; charset=utf-8");
        String disposition = response.getHeader("Content-Disposition");
        Matcher name = Pattern.compile("attachment; filename=\"unleash-([0-9a-f-]{36})-([0-9]{13})\\.csv\"")
                .matcher(disposition);
        assertTrue(name.matches(), disposition);
        String body = response.asString();
        List<CSVRecord> records;
        List<String> header;
        try (CSVParser parser = CSVParser.parse(new StringReader(body),
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            header = parser.getHeaderNames();
            records = parser.getRecords();
        }
        assertEquals(1, records.size());
        CSVRecord row = records.get(0);
        assertEquals(name.group(1), row.get("instanceId"));
        assertEquals(Long.parseLong(name.group(2)), Instant.parse(row.get("timestamp")).toEpochMilli());
        for (String column : List.of("apiTokens.admin", "apiTokens.client", "apiTokens.backend", "apiTokens.frontend",
                "activeUsers.last7", "activeUsers.last90", "usersByRole.Viewer", "sum", "signature")) {
            assertTrue(header.contains(column), column + " in " + header);
        }
        ObjectNode json = statistics();
        assertEquals(json.get("apiTokens").get("admin").asText(), row.get("apiTokens.admin"));
        assertEquals(json.get("instanceId").asText(), row.get("instanceId"));
        for (Iterator<String> months = json.get("edgeInstanceUsage").fieldNames(); months.hasNext();) {
            String month = months.next();
            assertTrue(header.contains("edgeInstanceUsage." + month), month);
        }

        PublicKey key = publishedKey();
        assertTrue(StatisticsVerifier.verify(body, key).valid(), StatisticsVerifier.verify(body, key).message());
        List<String> cells = new ArrayList<>(row.toList());
        int users = header.indexOf("users");
        cells.set(users, String.valueOf(Long.parseLong(cells.get(users)) + 1));
        String tampered = String.join(",", header) + "\r\n" + String.join(",", cells) + "\r\n";
        assertFalse(StatisticsVerifier.verify(tampered, key).valid());
    }

    @Test
    void adminOnly() {
        Users.TestUser editor = Users.withRole("Editor");
        for (String path : List.of("", "/csv", "/key")) {
            error(RestAssured.given().get("/api/admin/instance-admin/statistics" + path).then(), 401,
                    "AuthenticationRequired");
            error(as(editor.pat()).get("/api/admin/instance-admin/statistics" + path).then(), 403, "PermissionError");
        }
    }
}
