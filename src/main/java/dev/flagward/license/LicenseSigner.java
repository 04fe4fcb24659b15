package dev.flagward.license;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs licenses (SPEC §7.1) with smallrye-jwt-build: what {@code bin/license-issuer sign} prints, and what the tests
 * sign with.
 */
public final class LicenseSigner {

    private LicenseSigner() {
    }

    /**
     * What a license says. {@code issuer} must match the instance's FLAGWARD_LICENSE_ISSUER. A null resource is left
     * out of the license: no limit.
     */
    public record Claims(String issuer, String customer, String type, String plan, String instanceName,
            String instanceId,
            Integer seats, Integer releaseTemplates, Integer edgeInstances, Integer readOnlyUsers, Instant issuedAt,
            Instant expiresAt) {

        public static Claims standard(String customer, int seats, int readOnlyUsers, Duration validFor) {
            Instant now = Instant.now();
            return new Claims("flagward", customer, "Enterprise", "Enterprise", customer + " instance", null, seats, 10,
                    5,
                    readOnlyUsers, now, now.plus(validFor));
        }

        public Claims withSeats(Integer newSeats, Integer newReadOnlyUsers) {
            return new Claims(issuer, customer, type, plan, instanceName, instanceId, newSeats, releaseTemplates,
                    edgeInstances, newReadOnlyUsers, issuedAt, expiresAt);
        }

        public Claims withTimes(Instant newIssuedAt, Instant newExpiresAt) {
            return new Claims(issuer, customer, type, plan, instanceName, instanceId, seats, releaseTemplates,
                    edgeInstances, readOnlyUsers, newIssuedAt, newExpiresAt);
        }

        public Claims withIssuer(String newIssuer) {
            return new Claims(newIssuer, customer, type, plan, instanceName, instanceId, seats, releaseTemplates,
                    edgeInstances, readOnlyUsers, issuedAt, expiresAt);
        }
    }

    public static String sign(PrivateKey key, String kid, SignatureAlgorithm algorithm, Claims claims) {
        Map<String, Object> resources = new LinkedHashMap<>();
        putIfPresent(resources, "seats", claims.seats());
        putIfPresent(resources, "releaseTemplates", claims.releaseTemplates());
        putIfPresent(resources, "edgeInstances", claims.edgeInstances());
        putIfPresent(resources, "readOnlyUsers", claims.readOnlyUsers());
        JwtClaimsBuilder builder = Jwt.claims()
                .issuer(claims.issuer())
                .subject(claims.customer())
                .issuedAt(claims.issuedAt().getEpochSecond())
                .expiresAt(claims.expiresAt().getEpochSecond())
                .claim("customer", claims.customer())
                .claim("resources", resources);
        putIfPresent(builder, "type", claims.type());
        putIfPresent(builder, "plan", claims.plan());
        putIfPresent(builder, "instanceName", claims.instanceName());
        putIfPresent(builder, "instanceId", claims.instanceId());
        return builder.jws().keyId(kid).header("typ", LicenseVerifier.TYPE).algorithm(algorithm).sign(key);
    }

    private static void putIfPresent(Map<String, Object> resources, String name, Integer limit) {
        if (limit != null) {
            resources.put(name, limit);
        }
    }

    private static void putIfPresent(JwtClaimsBuilder builder, String claim, String value) {
        if (value != null) {
            builder.claim(claim, value);
        }
    }
}
