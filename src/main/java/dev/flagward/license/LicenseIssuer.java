package dev.flagward.license;

import dev.flagward.security.Pem;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Makes vendor key pairs and signs licenses (SPEC §7.5), with smallrye-jwt-build. For the vendor and for tests:
 *
 * <pre>
 * bin/license-issuer keygen --alg RS256 --kid vendor-1 --out keys
 * bin/license-issuer sign --key keys/vendor-1.private.pem --kid vendor-1 --alg RS256 --customer "Acme" \
 *     --plan Enterprise --type Enterprise --seats 50 --read-only-users 100 --edge-instances 5 --days 365
 * </pre>
 *
 * The public key goes to the instance (FLAGWARD_LICENSE_PUBLIC_KEYS=vendor-1=keys/vendor-1.public.pem); the private
 * key never leaves the vendor.
 */
public final class LicenseIssuer {

    private LicenseIssuer() {
    }

    /**
     * What a license says. {@code issuer} must match the instance's FLAGWARD_LICENSE_ISSUER. A null resource is left
     * out of the license: no limit.
     */
    public record Claims(String issuer, String customer, String type, String plan, String instanceName, String instanceId,
                         Integer seats, Integer releaseTemplates, Integer edgeInstances, Integer readOnlyUsers, Instant issuedAt,
                         Instant expiresAt) {

        public static Claims standard(String customer, int seats, int readOnlyUsers, Duration validFor) {
            Instant now = Instant.now();
            return new Claims("flagward", customer, "Enterprise", "Enterprise", customer + " instance", null, seats, 10, 5,
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

        public Claims withInstanceId(String newInstanceId) {
            return new Claims(issuer, customer, type, plan, instanceName, newInstanceId, seats, releaseTemplates,
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

    public static KeyPair generate(SignatureAlgorithm algorithm) {
        try {
            if (algorithm == SignatureAlgorithm.RS256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072);
                return generator.generateKeyPair();
            }
            if (algorithm == SignatureAlgorithm.ES256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            if (algorithm == SignatureAlgorithm.EDDSA) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("Supported algorithms: RS256, ES256, EDDSA");
    }

    public static PrivateKey readPrivateKey(String pem) {
        byte[] der = Pem.decode(pem, "PRIVATE KEY");
        for (String type : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisType) {
                // next
            }
        }
        throw new IllegalArgumentException("Not an RSA, EC or Ed25519 PKCS#8 private key");
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !(args[0].equals("keygen") || args[0].equals("sign"))) {
            System.err.println("usage: license-issuer keygen --alg RS256|ES256|EDDSA --kid KID --out DIR\n"
                    + "       license-issuer sign --key PRIVATE.pem --kid KID --alg RS256|ES256|EDDSA --customer NAME\n"
                    + "                           [--issuer flagward] [--type T] [--plan P] [--instance-name N] [--instance-id ID]\n"
                    + "                           [--seats N] [--read-only-users N] [--edge-instances N] [--release-templates N]\n"
                    + "                           (each limit: a number, or 'unlimited' to leave it out of the license)\n"
                    + "                           [--days 365 | --expires-at 2027-01-01T00:00:00Z] [--issued-at ISO]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        SignatureAlgorithm algorithm = SignatureAlgorithm.fromAlgorithm(options.getOrDefault("alg", "RS256").toUpperCase(Locale.ROOT)
                .replace("EDDSA", "EdDSA"));
        String kid = require(options, "kid");
        if (args[0].equals("keygen")) {
            Path out = Path.of(options.getOrDefault("out", "."));
            Files.createDirectories(out);
            KeyPair pair = generate(algorithm);
            Path privateKey = out.resolve(kid + ".private.pem");
            Path publicKey = out.resolve(kid + ".public.pem");
            Files.writeString(privateKey, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicKey, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()));
            System.err.println("Wrote " + privateKey + " (keep it secret) and " + publicKey);
            System.out.println("FLAGWARD_LICENSE_PUBLIC_KEYS=" + kid + "=" + publicKey.toAbsolutePath());
            return;
        }
        PrivateKey key = readPrivateKey(Files.readString(Path.of(require(options, "key"))));
        Instant issuedAt = options.containsKey("issued-at") ? Instant.parse(options.get("issued-at")) : Instant.now();
        Instant expiresAt = options.containsKey("expires-at") ? Instant.parse(options.get("expires-at"))
                : issuedAt.plus(Duration.ofDays(Long.parseLong(options.getOrDefault("days", "365"))));
        Claims claims = new Claims(options.getOrDefault("issuer", "flagward"), require(options, "customer"),
                options.getOrDefault("type", "Enterprise"), options.getOrDefault("plan", "Enterprise"),
                options.get("instance-name"), options.get("instance-id"),
                limit(options.getOrDefault("seats", "10")), limit(options.getOrDefault("release-templates", "10")),
                limit(options.getOrDefault("edge-instances", "5")), limit(options.getOrDefault("read-only-users", "10")),
                issuedAt, expiresAt);
        System.out.println(sign(key, kid, algorithm, claims));
    }

    private static Integer limit(String value) {
        return value.equalsIgnoreCase("unlimited") ? null : Integer.valueOf(value);
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            System.err.println("missing --" + name);
            System.exit(2);
        }
        return value;
    }
}
