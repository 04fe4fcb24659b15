package dev.flagward.license;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Dev mode takes a license in one step (the dev-only key, like the dev admin token), and nothing else ever trusts that
 * key: not the production or test configuration, not a packaged file, not a key ring outside dev mode.
 */
class DevLicenseKeyTest {

    private static SmallRyeConfig config(String profile) throws IOException {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(
                        Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                .build();
    }

    private static Optional<String> publicKeys(String profile) throws IOException {
        return config(profile).getOptionalValue("flagward.license.public-keys", String.class);
    }

    @Test
    void devModeTrustsTheCommittedDevKeyAndSignDevSignsForIt() throws Exception {
        Map<String, KeyRing.Key> devKeys = KeyRing.load(publicKeys("dev").orElseThrow());
        KeyRing.Key key = devKeys.get(DevLicenseKey.KID);
        assertEquals(1, devKeys.size(), devKeys.toString());
        assertTrue(DevLicenseKey.is(key.publicKey()), "the %dev key is the fingerprinted dev-only key");
        assertEquals(SignatureAlgorithm.EDDSA, key.algorithm());
        assertDoesNotThrow(() -> KeyRing.refuseDevKeyOutsideDevMode(devKeys, LaunchMode.DEVELOPMENT));

        // What the README's one-liner runs: no key, kid or algorithm to give.
        IssuerRun signed = IssuerRun.of("sign", "--dev", "--customer", "Me", "--seats", "10", "--days", "30");
        assertEquals(0, signed.status(), signed.err());
        assertTrue(signed.err().contains("dev-only key"), signed.err());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(signed.out().strip());
        jws.setKey(key.publicKey());
        assertEquals(DevLicenseKey.KID, jws.getKeyIdHeaderValue());
        assertEquals("EdDSA", jws.getAlgorithmHeaderValue());
        assertTrue(jws.verifySignature(), "the dev key ring verifies what sign --dev signed");
        JwtClaims claims = JwtClaims.parse(jws.getPayload());
        assertEquals("Me", claims.getStringClaimValue("customer"));
        assertEquals(10L, ((Map<?, ?>) claims.getClaimValue("resources")).get("seats"));
        assertEquals(30L * 24 * 3600, claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
    }

    @Test
    void productionAndTestNeverNameTheDevKey() throws Exception {
        assertEquals(Optional.empty(), publicKeys("prod"), "production trusts only keys it is given");
        Map<String, KeyRing.Key> testKeys = KeyRing.load(publicKeys("test").orElseThrow());
        assertFalse(testKeys.isEmpty());
        testKeys.values().forEach(k -> assertFalse(DevLicenseKey.is(k.publicKey()), k.kid()));
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.contains("dev-only") && !line.strip().startsWith("#")) {
                assertTrue(line.startsWith("%dev."), "only the dev profile may name the dev-only key: " + line);
            }
        }
    }

    @Test
    void outsideDevModeAKeyRingRefusesTheDevKeyWhateverItIsCalled() {
        // As if FLAGWARD_LICENSE_PUBLIC_KEYS pointed a production instance at the dev key under another kid.
        Map<String, KeyRing.Key> keys = KeyRing.load("vendor=" + DevLicenseKey.DIRECTORY + "/flagward-dev.public.pem");
        for (LaunchMode mode : new LaunchMode[]{LaunchMode.NORMAL, LaunchMode.TEST}) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> KeyRing.refuseDevKeyOutsideDevMode(keys, mode));
            assertTrue(refused.getMessage().contains("dev-only key") && refused.getMessage().contains("vendor"),
                    refused.getMessage());
        }
        Map<String, KeyRing.Key> vendor = KeyRing.load("rsa=src/test/resources/license/rsa.public.pem");
        assertDoesNotThrow(() -> KeyRing.refuseDevKeyOutsideDevMode(vendor, LaunchMode.NORMAL));
    }

    /**
     * A license a dev mode installed into a database that production then uses (a configured URL, a restored copy) is
     * read from the table, not installed: outside dev mode the stored license counts for nothing.
     */
    @Test
    void aStoredLicenseSignedWithTheDevKeyCountsOnlyInDevMode() {
        IssuerRun signed = IssuerRun.of("sign", "--dev", "--customer", "Me", "--seats", "10", "--days", "30");
        assertEquals(0, signed.status(), signed.err());
        String token = signed.out().strip();
        assertTrue(LicenseService.signedWithDevKeyOutsideDevMode(token, LaunchMode.NORMAL));
        assertTrue(LicenseService.signedWithDevKeyOutsideDevMode(token, LaunchMode.TEST));
        assertFalse(LicenseService.signedWithDevKeyOutsideDevMode(token, LaunchMode.DEVELOPMENT));
        IssuerRun vendor = IssuerRun.of("sign", "--key", "src/test/resources/license/rsa.private.pem", "--kid", "rsa",
                "--alg", "RS256",
                "--customer", "Acme", "--seats", "10", "--days", "30");
        assertEquals(0, vendor.status(), vendor.err());
        assertFalse(LicenseService.signedWithDevKeyOutsideDevMode(vendor.out().strip(), LaunchMode.NORMAL));
    }

    @Test
    void nothingOfTheDevKeyIsPackaged() throws IOException {
        String publicKeyBody = Files.readString(Path.of(DevLicenseKey.DIRECTORY, "flagward-dev.public.pem"))
                .replaceAll("-----[A-Z ]+-----|\\s", "");
        ClassLoader loader = DevLicenseKey.class.getClassLoader();
        for (String name : new String[]{"flagward-dev.public.pem", "flagward-dev.private.pem",
                "dev-only/license/flagward-dev.private.pem",
                "src/dev-only/license/flagward-dev.private.pem", "license/flagward-dev.private.pem"}) {
            assertNull(loader.getResource(name), name + " is on the application's class path");
        }
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(publicKeyBody),
                        file + " holds the dev key's material");
            }
        }
    }
}
