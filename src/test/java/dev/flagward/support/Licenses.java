package dev.flagward.support;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.json;

import dev.flagward.license.LicenseService;
import dev.flagward.license.LicenseSigner;
import dev.flagward.license.LicenseSigner.Claims;
import dev.flagward.license.VendorKeys;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.vertx.mutiny.sqlclient.Pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Licenses signed with the test keys (src/test/resources/license), through the same issuer the vendor uses. */
public final class Licenses {

    private Licenses() {
    }

    public static String privateKey(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/license", name + ".private.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sign(String keyName, SignatureAlgorithm algorithm, Claims claims) {
        return LicenseSigner.sign(VendorKeys.readPrivateKey(privateKey(keyName)), keyName, algorithm, claims);
    }

    public static String rs256(Claims claims) {
        return sign("rsa", SignatureAlgorithm.RS256, claims);
    }

    /** A generous license, valid for a year from now. */
    public static Claims generous() {
        return Claims.standard("Test Corp", 10_000, 10_000, Duration.ofDays(365));
    }

    public static void installGenerous() {
        json(ADMIN, Map.of("token", rs256(generous()))).post("/api/admin/license").then().statusCode(201);
    }

    /** Back to no license at all (tests only: a real instance never loses its license). */
    public static void remove(Pool pool, LicenseService service) {
        Db.rows(pool, "delete from licenses");
        service.reload().await().atMost(Duration.ofSeconds(5));
    }
}
