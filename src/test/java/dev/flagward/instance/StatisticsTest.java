package dev.flagward.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagward.support.Db;
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
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Instance statistics (SPEC §8.1): counted from PostgreSQL, Unleash's sum, the signature, the CSV. */
@QuarkusTest
class StatisticsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;

    private ObjectNode statistics() throws Exception {
        return (ObjectNode) JSON.readTree(admin().get("/api/admin/instance-admin/statistics")
                .then().statusCode(200).contentType("application/json").extract().asString());
    }

    private PublicKey publishedKey() {
        String pem = admin().get("/api/admin/instance-admin/statistics/key").then().statusCode(200)
                .extract().jsonPath().getString("pem");
        return StatisticsVerifier.publicKey(pem);
    }

    @Test
    void figuresAreTheDatabasesAtTheMomentOfTheCall() throws Exception {
        Users.TestUser editor = Users.withRole("Editor");
        Users.withRole("Viewer");
        // One user active 20 days ago by PAT use only, one signed in 45 days ago: the windows tell them apart.
        Users.TestUser patUser = Users.withRole("Editor");
        Db.rows(pool, "update users set seen_at = now() - interval '200 days' where id in ($1, $2)", editor.id(), patUser.id());
        Db.rows(pool, "update personal_access_tokens set seen_at = null where user_id in ($1, $2)", editor.id(), patUser.id());
        Db.rows(pool, "update personal_access_tokens set seen_at = now() - interval '20 days' where user_id = $1", patUser.id());
        Db.rows(pool, "update users set seen_at = now() - interval '45 days' where id = $1", editor.id());
        // Edge instances: two buckets in one month (1 and 2 instances) and one in another.
        Db.rows(pool, "delete from edge_instance_sightings");
        Db.rows(pool, "insert into edge_instance_sightings (bucket_start, instance_id) values "
                + "('2026-10-03T10:00:00Z', 'edge-a'), ('2026-10-03T10:05:00Z', 'edge-a'), ('2026-10-03T10:05:00Z', 'edge-b'),"
                + "('2026-11-20T00:00:00Z', 'edge-c')");

        ObjectNode stats = statistics();

        assertEquals(Db.count(pool, "select count(*) from users where deleted_at is null"), stats.get("users").asLong());
        for (String role : List.of("Admin", "Editor", "Viewer")) {
            assertEquals(Db.count(pool, "select count(*) from users where deleted_at is null and root_role = $1", role),
                    stats.get("usersByRole").get(role).asLong(), role);
        }
        for (String type : List.of("admin", "client", "backend", "frontend")) {
            assertEquals(Db.count(pool, "select count(*) from api_tokens where type = $1", type),
                    stats.get("apiTokens").get(type).asLong(), type);
        }
        assertEquals(Db.count(pool, "select count(*) from personal_access_tokens"), stats.get("personalAccessTokens").asLong());
        assertEquals(Db.count(pool, "select count(*) from signal_endpoints"), stats.get("signalEndpoints").asLong());
        assertEquals(Db.count(pool, "select count(*) from signals"), stats.get("signals").asLong());
        assertEquals(Db.count(pool, "select count(*) from projects"), stats.get("projects").asLong());
        assertEquals(Db.count(pool, "select count(*) from environments"), stats.get("environments").asLong());
        assertEquals(0, stats.get("serviceAccounts").asLong());
        // As the license counts them: non-Viewers (with the recently deleted), and Viewers.
        assertEquals(Db.count(pool, "select count(*) from users where root_role <> 'Viewer' and "
                + "(deleted_at is null or deleted_at > now() - interval '30 days')"), stats.get("licensedUsers").asLong());
        assertEquals(Db.count(pool, "select count(*) from users where root_role = 'Viewer' and deleted_at is null"),
                stats.get("readOnlyUsers").asLong());
        JsonNode active = stats.get("activeUsers");
        for (int days : new int[]{7, 30, 60, 90}) {
            long expected = Db.count(pool, "select count(*) from users u where u.deleted_at is null and greatest(u.seen_at, "
                    + "(select max(seen_at) from personal_access_tokens p where p.user_id = u.id)) > now() - make_interval(days => $1)", days);
            assertEquals(expected, active.get("last" + days).asLong(), "last" + days);
        }
        assertTrue(active.get("last90").asLong() - active.get("last30").asLong() >= 1, "the 45-day user is in 60/90 only: " + active);
        assertTrue(active.get("last30").asLong() - active.get("last7").asLong() >= 1, "the PAT user is in 30 only: " + active);
        assertEquals(1.5, stats.get("edgeInstanceUsage").get("2026-10").asDouble());
        assertEquals(1.0, stats.get("edgeInstanceUsage").get("2026-11").asDouble());
        assertEquals(Db.rows(pool, "select instance_id from instance").get(0).getString(0), stats.get("instanceId").asText());
        Instant timestamp = Instant.parse(stats.get("timestamp").asText());
        assertTrue(Math.abs(timestamp.toEpochMilli() - System.currentTimeMillis()) < 60_000, "timestamp " + timestamp);
    }

    @Test
    void sumIsUnleashsFormula() throws Exception {
        ObjectNode stats = statistics();
        // unleash-server: sha256(`${instanceId}${users}${featureToggles}${projects}${roles}${groups}${environments}${segments}`)
        String data = stats.get("instanceId").asText() + stats.get("users").asLong() + 0 + stats.get("projects").asLong()
                + 3 + 0 + stats.get("environments").asLong() + 0;
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, stats.get("sum").asText());
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
        String kid = admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath().getString("kid");
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
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
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
        String kid = admin().get("/api/admin/instance-admin/statistics/key").then().statusCode(200).extract().jsonPath().getString("kid");
        assertEquals(kid, admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath().getString("kid"));
        assertEquals(1, Db.count(pool, "select count(*) from instance_signing_key"));
        assertEquals(kid, Db.rows(pool, "select kid from instance_signing_key").get(0).getString(0));
        // The JWK is the same key as the PEM, and carries no private part.
        Map<String, Object> jwk = admin().get("/api/admin/instance-admin/statistics/key").then().extract().jsonPath().getMap("jwk");
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
        Matcher name = Pattern.compile("attachment; filename=\"unleash-([0-9a-f-]{36})-([0-9]{13})\\.csv\"").matcher(disposition);
        assertTrue(name.matches(), disposition);
        String body = response.asString();
        List<CSVRecord> records;
        List<String> header;
        try (CSVParser parser = CSVParser.parse(new StringReader(body), CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
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
        for (Iterator<String> months = json.get("edgeInstanceUsage").fieldNames(); months.hasNext(); ) {
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
            error(RestAssured.given().get("/api/admin/instance-admin/statistics" + path).then(), 401, "AuthenticationRequired");
            error(as(editor.pat()).get("/api/admin/instance-admin/statistics" + path).then(), 403, "PermissionError");
        }
    }
}
