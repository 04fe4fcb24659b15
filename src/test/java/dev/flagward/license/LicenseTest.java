package dev.flagward.license;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.tampered;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flagward.license.LicenseSigner.Claims;
import dev.flagward.support.Db;
import dev.flagward.support.Eventually;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@QuarkusTest
class LicenseTest {

    private static final String LICENSE = "/api/admin/license";

    @Inject
    Pool pool;
    @Inject
    LicenseService service;
    @Inject
    TestClock clock;
    @Inject
    EdgeInstances edgeInstances;

    @BeforeEach
    void noLicense() {
        Licenses.remove(pool, service);
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Licenses.remove(pool, service);
    }

    private static String install(String token) {
        return json(ADMIN, Map.of("token", token)).post(LICENSE).then().log().ifValidationFails().statusCode(201)
                .header("Location", "/api/admin/license").extract().asString();
    }

    @Test
    void validLicensesOfEveryKeyTypeInstallAndShowTheirClaims() {
        Instant issued = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);
        Instant expires = issued.plus(Duration.ofDays(200));
        Claims claims = new Claims("flagward", "Acme Corporation", "Enterprise", "Enterprise Plus",
                "Acme Unleash Instance",
                "acme-unleash-001", 150, 20, 5, 50, issued, expires);
        int step = 0;
        for (var key : List.of(Map.entry("rsa", SignatureAlgorithm.RS256), Map.entry("ec", SignatureAlgorithm.ES256),
                Map.entry("ed", SignatureAlgorithm.EDDSA))) {
            Claims these = claims.withTimes(issued.plusSeconds(step++), expires);
            String token = Licenses.sign(key.getKey(), key.getValue(), these);
            install(token);
            admin().get(LICENSE).then().statusCode(200)
                    .body("isValid", is(true))
                    .body("token", is(token))
                    .body("customer", is("Acme Corporation"))
                    .body("type", is("Enterprise"))
                    .body("plan", is("Enterprise Plus"))
                    .body("instanceName", is("Acme Unleash Instance"))
                    .body("instanceId", is("acme-unleash-001"))
                    .body("resources.seats", is(150))
                    .body("resources.releaseTemplates", is(20))
                    .body("resources.edgeInstances", is(5))
                    .body("resources.readOnlyUsers", is(50))
                    .body("expireAt", is(iso(expires)))
                    .body("issuedAt", is(iso(these.issuedAt())));
        }
        String events = admin().get("/api/admin/events?type=license-updated").then().statusCode(200)
                .body("events[0].data.customer", is("Acme Corporation")).extract().asString();
        assertFalse(events.contains("eyJ"), "a license token appears in an event");
    }

    /** The dev-only key signs licenses for dev mode alone: the test profile (like production) refuses them. */
    @Test
    void aLicenseSignedWithTheDevOnlyKeyIsRefusedOutsideDevMode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = LicenseIssuer.run(
                new String[]{"sign", "--dev", "--customer", "Me", "--seats", "10", "--days", "30"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(0, status);
        error(json(ADMIN, Map.of("token", out.toString(StandardCharsets.UTF_8).strip())).post(LICENSE).then(), 400,
                "BadDataError")
                .body("message", is("The license is not valid: it was signed with a key this instance does not know."));
        admin().get(LICENSE).then().statusCode(200).body("isValid", is(false));
    }

    @Test
    void noLicenseInstalled() {
        admin().get(LICENSE).then().statusCode(200).body("isValid", is(false)).body("$", Matchers.aMapWithSize(1));
        admin().get(LICENSE + "/check").then().statusCode(200).body("isValid", is(false)).body("messageType",
                is("error"));
    }

    /** Every forgery and malformation is 400 BadDataError, the reason never echoes the token, and nothing changes. */
    @Test
    void theAttackCorpusIsRefusedAndTheInstalledLicenseStays() throws Exception {
        String good = Licenses.rs256(Licenses.generous());
        install(good);
        Claims base = Licenses.generous();
        String[] parts = good.split("\\.");
        String publicPem = Files.readString(Path.of("src/test/resources/license/rsa.public.pem"));
        KeyPair attacker = VendorKeys.generate(SignatureAlgorithm.RS256);

        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("alg none, empty signature",
                b64("{\"alg\":\"none\",\"typ\":\"license+jwt\",\"kid\":\"rsa\"}") + "." + parts[1] + ".");
        corpus.put("alg none, some signature",
                b64("{\"alg\":\"none\",\"typ\":\"license+jwt\",\"kid\":\"rsa\"}") + "." + parts[1] + ".eA");
        corpus.put("HS256 with the public key's bytes", hs256(parts[1], publicPem));
        corpus.put("expired", Licenses.rs256(
                base.withTimes(Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(35)))));
        corpus.put("not yet valid", Licenses.rs256(
                base.withTimes(Instant.now().plus(Duration.ofHours(2)), Instant.now().plus(Duration.ofDays(300)))));
        corpus.put("wrong typ", resign(parts[1], "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"rsa\"}", "rsa"));
        corpus.put("no typ", resign(parts[1], "{\"alg\":\"RS256\",\"kid\":\"rsa\"}", "rsa"));
        corpus.put("wrong iss", Licenses.rs256(base.withIssuer("someone-else")));
        corpus.put("unknown kid", LicenseSigner.sign(attacker.getPrivate(), "unknown", SignatureAlgorithm.RS256, base));
        corpus.put("attacker key under our kid",
                LicenseSigner.sign(attacker.getPrivate(), "rsa", SignatureAlgorithm.RS256, base));
        corpus.put("key in a jwk header", jwkHeaderForgery(attacker, parts[1]));
        corpus.put("tampered payload",
                parts[0] + "." + b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"seats\":10000", "\"seats\":99999")) + "." + parts[2]);
        corpus.put("truncated", good.substring(0, good.length() - 10));
        corpus.put("two parts", parts[0] + "." + parts[1]);
        corpus.put("not a JWT", "not.a.jwt");
        corpus.put("empty", "");
        corpus.put("ES key asked to verify RS256",
                resign(parts[1], "{\"alg\":\"RS256\",\"typ\":\"license+jwt\",\"kid\":\"ec\"}", "rsa"));
        corpus.put("negative seats", Licenses.rs256(base.withSeats(-1, 5)));

        for (var attack : corpus.entrySet()) {
            String body = error(json(ADMIN, Map.of("token", attack.getValue())).post(LICENSE).then(), 400,
                    "BadDataError")
                    .extract().asString();
            if (attack.getValue().length() > 20) {
                assertFalse(body.contains(attack.getValue().substring(0, 20)),
                        attack.getKey() + ": the error echoes the token");
            }
            admin().get(LICENSE).then().body("token", is(good));
        }
        System.out.println("license attack corpus: " + corpus.size() + " forgeries refused");
        error(json(ADMIN, Map.of()).post(LICENSE).then(), 400, "BadDataError");
        error(json(ADMIN, Map.of("token", 5)).post(LICENSE).then(), 400, "BadDataError");
        assertEquals(1, Db.count(pool, "select count(*) from licenses"));
    }

    @Test
    void anOlderLicenseCannotReplaceANewerOne() {
        Claims base = Licenses.generous();
        String newer = Licenses.rs256(base);
        String older = Licenses.rs256(base.withTimes(base.issuedAt().minus(Duration.ofDays(1)), base.expiresAt()));
        install(newer);
        error(json(ADMIN, Map.of("token", older)).post(LICENSE).then(), 400, "BadDataError")
                .body("message", containsString("older"));
        admin().get(LICENSE).then().body("token", is(newer));
        // Installing the same license again is harmless.
        install(newer);
        assertEquals(1, Db.count(pool, "select count(*) from licenses"));
    }

    @Test
    void seatsAndReadOnlyUsersAreEnforced() {
        long seats = Db.count(pool, "select count(*) from users where root_role <> 'Viewer' "
                + "and (deleted_at is null or deleted_at > now() - interval '30 days')");
        long viewers = Db.count(pool, "select count(*) from users where root_role = 'Viewer' and deleted_at is null");
        install(Licenses.rs256(Licenses.generous().withSeats((int) seats + 1, (int) viewers + 1)));

        long editor = Users.create(unique("seat"), "Editor");
        error(json(ADMIN, Map.of("username", unique("seat"), "rootRole", "Admin")).post("/api/admin/user-admin").then(),
                400, "ExceedsLimitError");
        long viewer = Users.create(unique("ro"), "Viewer");
        error(json(ADMIN, Map.of("username", unique("ro"), "rootRole", "Viewer")).post("/api/admin/user-admin").then(),
                400, "ExceedsLimitError");
        // Promoting a Viewer takes a seat too.
        error(json(ADMIN, Map.of("rootRole", "Editor")).put("/api/admin/user-admin/" + viewer).then(), 400,
                "ExceedsLimitError");
        // A user deleted in the last 30 days still holds the seat.
        admin().delete("/api/admin/user-admin/" + editor).then().statusCode(200);
        error(json(ADMIN, Map.of("username", unique("seat"), "rootRole", "Editor")).post("/api/admin/user-admin")
                .then(),
                400, "ExceedsLimitError");
        // Thirty days later it is free again.
        clock.advance(Duration.ofDays(31));
        Users.create(unique("seat"), "Editor");
    }

    @Test
    void enterpriseFeaturesNeedALicense() {
        error(admin().get("/api/admin/logins").then(), 403, "LicenseError");
        Licenses.installGenerous();
        admin().get("/api/admin/logins").then().statusCode(200);
    }

    @Test
    void afterExpiryAGracePeriodThenReadOnlyButRevocationAlwaysWorks() {
        install(Licenses.rs256(
                Licenses.generous().withTimes(Instant.now().minusSeconds(5), Instant.now().plus(Duration.ofDays(1)))));
        String token = createSecret(Map.of());
        String other = createSecret(Map.of());
        var user = Users.withRole("Editor");
        admin().get(LICENSE + "/check").then().body("messageType", is("warning")).body("message",
                containsString("expires in"));

        // Expired, within the grace period: warnings, everything works.
        clock.advance(Duration.ofDays(3));
        admin().get(LICENSE + "/check").then().body("messageType", is("warning")).body("message",
                containsString("read-only in"));
        admin().get("/api/admin/logins").then().statusCode(200);
        createSecret(Map.of());

        // Past the grace period: read-only, except revocation and installing a license.
        clock.advance(Duration.ofDays(14));
        admin().get(LICENSE + "/check").then().body("isValid", is(false)).body("messageType", is("error"));
        error(json(ADMIN, Map.of("tokenName", unique("ro"), "type", "backend")).post("/api/admin/api-tokens").then(),
                403, "LicenseError");
        error(json(ADMIN, Map.of("username", unique("ro"), "rootRole", "Viewer")).post("/api/admin/user-admin").then(),
                403, "LicenseError");
        error(json(ADMIN, Map.of("id", unique("p"), "name", "p")).post("/api/admin/projects").then(), 403,
                "LicenseError");
        error(json(ADMIN, Map.of("expiresAt", iso(clock.instant().plus(Duration.ofDays(30)))))
                .put("/api/admin/api-tokens/{t}", token).then(),
                403, "LicenseError");
        // Read-only is read-only for enterprise features too: reading the login history still works.
        admin().get("/api/admin/logins").then().statusCode(200);
        admin().get("/api/admin/api-tokens").then().statusCode(200);

        json(ADMIN, Map.of("expiresAt", iso(clock.instant().minusSeconds(1)))).put("/api/admin/api-tokens/{t}", token)
                .then().statusCode(200);
        validate(token).body("tokens", empty());
        admin().delete("/api/admin/api-tokens/{t}", other).then().statusCode(200);
        int patId = as(user.pat()).get("/api/admin/user/tokens").then().extract().path("pats[0].id");
        // (The 48-hour session has long expired by now; the 30-day PAT revokes itself.)
        as(user.pat()).delete("/api/admin/user/tokens/" + patId).then().statusCode(200);
        error(as(user.pat()).get("/api/admin/user").then(), 401, "UnauthorizedError");
        admin().delete("/api/admin/user-admin/" + user.id()).then().statusCode(200);

        // A new license lifts it.
        Claims fresh = Licenses.generous().withTimes(Instant.now(), clock.instant().plus(Duration.ofDays(365)));
        install(Licenses.rs256(fresh));
        createSecret(Map.of());
    }

    /**
     * SPEC §7.4: the seat rule and the license check read a limit the same way. An absent limit is no limit (both let
     * users in and stay quiet), 0 is zero (both refuse and warn), a number is that number.
     */
    @Test
    void seatRuleAndCheckReadTheSameLimitTheSameWay() {
        long used = Db.count(pool, "select count(*) from users where root_role <> 'Viewer' "
                + "and (deleted_at is null or deleted_at > now() - interval '30 days')");
        Instant issued = Instant.now().minusSeconds(60);

        install(Licenses
                .rs256(Licenses.generous().withSeats(null, null).withTimes(issued, issued.plus(Duration.ofDays(365)))));
        admin().get(LICENSE).then().body("resources.seats", Matchers.nullValue())
                .body("resources", Matchers.hasKey("seats"));
        Users.create(unique("nolimit"), "Editor");
        Users.create(unique("nolimit"), "Viewer");
        admin().get(LICENSE + "/check").then().body("isValid", is(true)).body("messageType", is("info"));

        used++;
        install(Licenses.rs256(Licenses.generous().withSeats(0, 0).withTimes(issued.plusSeconds(1),
                issued.plus(Duration.ofDays(365)))));
        admin().get(LICENSE).then().body("resources.seats", is(0)).body("resources.readOnlyUsers", is(0));
        error(json(ADMIN, Map.of("username", unique("zero"), "rootRole", "Editor")).post("/api/admin/user-admin")
                .then(),
                400, "ExceedsLimitError");
        error(json(ADMIN, Map.of("username", unique("zero"), "rootRole", "Viewer")).post("/api/admin/user-admin")
                .then(),
                400, "ExceedsLimitError");
        admin().get(LICENSE + "/check").then().body("messageType", is("warning"))
                .body("message", containsString(used + " of 0 seats"));

        install(Licenses.rs256(Licenses.generous().withSeats((int) used + 1, 10_000)
                .withTimes(issued.plusSeconds(2), issued.plus(Duration.ofDays(365)))));
        Users.create(unique("last"), "Admin");
        error(json(ADMIN, Map.of("username", unique("over"), "rootRole", "Editor")).post("/api/admin/user-admin")
                .then(),
                400, "ExceedsLimitError");
        admin().get(LICENSE + "/check").then().body("messageType", is("warning"))
                .body("message", containsString((used + 1) + " of " + (used + 1) + " seats"));
        assertEquals(3, Db.count(pool, "select count(*) from licenses"));
        assertEquals(1,
                Db.count(pool, "select count(*) from licenses where seats is null and read_only_users is null"));
    }

    @Test
    void checkWarnsWhenSeatsAreNearlyUsed() {
        long seats = Db.count(pool, "select count(*) from users where root_role <> 'Viewer' "
                + "and (deleted_at is null or deleted_at > now() - interval '30 days')");
        install(Licenses.rs256(Licenses.generous().withSeats((int) seats, 10_000)));
        admin().get(LICENSE + "/check").then().body("isValid", is(true)).body("messageType", is("warning"))
                .body("message", containsString("seats are in use"));
        install(Licenses.rs256(
                Licenses.generous().withTimes(Instant.now().plusSeconds(1), Instant.now().plus(Duration.ofDays(365)))));
        admin().get(LICENSE + "/check").then().body("messageType", is("info"));
    }

    private long sightings(String instanceId) {
        return Db.count(pool, "select count(*) from edge_instance_sightings where instance_id = $1", instanceId);
    }

    private static void validateAs(String instanceId, Object tokens) {
        var request = json(null, Map.of("tokens", tokens));
        if (instanceId != null) {
            request = request.header("UNLEASH-INSTANCEID", instanceId);
        }
        request.post("/edge/validate").then().statusCode(Matchers.anyOf(is(200), is(400)));
    }

    @Test
    void edgeInstancesAreCountedAndWarnedAbout() {
        install(Licenses
                .rs256(new Claims("flagward", "Edge Corp", "Enterprise", "Enterprise", null, null, 10_000, 1, 1, 10_000,
                        Instant.now(), Instant.now().plus(Duration.ofDays(365)))));
        String secret = createSecret(Map.of());
        String a = unique("edge-a");
        String b = unique("edge-b");
        for (String instance : List.of(a, b, a)) {
            validateAs(instance, List.of(secret));
        }
        Eventually.within(Duration.ofSeconds(5)).until(() -> sightings(a) + sightings(b) == 2);
        admin().get(LICENSE + "/check").then().body("messageType", is("warning")).body("message",
                containsString("Edge instances"));
    }

    /** Finding 3 of the security review: only calls that validated a token count, and only plausible ids. */
    @Test
    void strangersCannotInflateTheEdgeInstanceCount() {
        String secret = createSecret(Map.of());
        List<String> strangers = List.of(unique("stranger-unknown"), unique("stranger-empty"),
                unique("stranger-bad-body"),
                unique("stranger-typo"));
        validateAs(strangers.get(0), List.of("*:development.not-a-token"));
        validateAs(strangers.get(1), List.of());
        validateAs(strangers.get(2), "not a list");
        validateAs(strangers.get(3), List.of(tampered(secret)));
        List<String> implausible = List.of("edge one", "x".repeat(101), "<script>", "-leading-dash", "edge\ttab",
                "edge;drop", "é-edge");
        for (String instance : implausible) {
            validateAs(instance, List.of(secret));
        }
        String real = unique("edge-real");
        validateAs(real, List.of(secret, "*:development.not-a-token"));
        Eventually.within(Duration.ofSeconds(5)).until(() -> sightings(real) == 1);
        for (String instance : strangers) {
            assertEquals(0, sightings(instance), instance);
        }
        assertEquals(0, Db.count(pool, "select count(*) from edge_instance_sightings where instance_id = any($1)",
                (Object) implausible.toArray(String[]::new)));
    }

    @Test
    void distinctEdgeInstancesPerBucketAreCapped() {
        clock.freezeAt(Instant.parse("2031-03-03T03:03:00Z"));
        int sent = EdgeInstances.MAX_PER_BUCKET + 200;
        for (int i = 0; i < sent; i++) {
            edgeInstances.validated("capped-" + i);
        }
        Eventually.within(Duration.ofSeconds(20)).until(() -> Db.count(pool,
                "select count(*) from edge_instance_sightings where instance_id like 'capped-%'") == EdgeInstances.MAX_PER_BUCKET);
        assertEquals(0, Db.count(pool, "select count(*) from edge_instance_sightings where instance_id = $1",
                "capped-" + (sent - 1)));
        Db.rows(pool, "delete from edge_instance_sightings where instance_id like 'capped-%'");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The classic confusion attack: HMAC keyed with the RSA public key's PEM. */
    private static String hs256(String payload, String publicPem) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "license+jwt");
        jws.setKeyIdHeaderValue("rsa");
        jws.setKey(new HmacKey(publicPem.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    /** Signs a payload with the test key under a custom header. */
    private static String resign(String payload, String headerJson, String keyName) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.getHeaders().setFullHeaderAsJsonString(headerJson);
        jws.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        jws.setKey(VendorKeys.readPrivateKey(Licenses.privateKey(keyName)));
        return jws.getCompactSerialization();
    }

    /** Signed by an attacker who puts their own public key in the header, hoping it is used to verify. */
    private static String jwkHeaderForgery(KeyPair attacker, String payload) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "license+jwt");
        jws.setKeyIdHeaderValue("rsa");
        jws.setJwkHeader(PublicJsonWebKey.Factory.newPublicJwk(attacker.getPublic()));
        jws.setKey(attacker.getPrivate());
        return jws.getCompactSerialization();
    }
}
