package dev.flagward.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@code bin/license-issuer} as the vendor runs it: the private key is never readable by others, and never lost by a rerun. */
class LicenseIssuerTest {

    @TempDir
    Path dir;

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void keygenWritesThePrivateKeyForItsOwnerAlone() throws Exception {
        Path out = dir.resolve("keys");
        IssuerRun run = IssuerRun.of("keygen", "--alg", "EDDSA", "--kid", "vendor-1", "--out", out.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("rw-------", mode(out.resolve("vendor-1.private.pem")));
        assertTrue(Files.readString(out.resolve("vendor-1.private.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(out.resolve("vendor-1.public.pem")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertEquals("FLAGWARD_LICENSE_PUBLIC_KEYS=vendor-1=" + out.resolve("vendor-1.public.pem").toAbsolutePath(),
                run.out().strip());

        // And the pair signs a license the instance's key ring verifies (algorithm taken from the key).
        IssuerRun signed = IssuerRun.of("sign", "--key", out.resolve("vendor-1.private.pem").toString(), "--kid",
                "vendor-1",
                "--customer", "Acme", "--days", "10");
        assertEquals(0, signed.status(), signed.err());
        assertEquals(3, signed.out().strip().split("\\.").length, signed.out());
    }

    @Test
    void keygenNeverReplacesAKeyWithoutForce() throws Exception {
        Path privateKey = dir.resolve("vendor-1.private.pem");
        Path publicKey = dir.resolve("vendor-1.public.pem");
        assertEquals(0,
                IssuerRun.of("keygen", "--alg", "RS256", "--kid", "vendor-1", "--out", dir.toString()).status());
        String before = Files.readString(privateKey);
        String publicBefore = Files.readString(publicKey);

        IssuerRun again = IssuerRun.of("keygen", "--alg", "RS256", "--kid", "vendor-1", "--out", dir.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains(privateKey + " already exists") && again.err().contains("--force"),
                again.err());
        assertEquals("", again.out(), "no setting printed for keys that were not written");
        assertEquals(before, Files.readString(privateKey), "the existing private key is kept");
        assertEquals(publicBefore, Files.readString(publicKey));

        // Only the public half left (the private one moved to a vault): still refused, so the pair is never split.
        Files.delete(privateKey);
        assertEquals(1,
                IssuerRun.of("keygen", "--alg", "RS256", "--kid", "vendor-1", "--out", dir.toString()).status());
        assertFalse(Files.exists(privateKey));

        IssuerRun forced = IssuerRun.of("keygen", "--alg", "RS256", "--kid", "vendor-1", "--out", dir.toString(),
                "--force");
        assertEquals(0, forced.status(), forced.err());
        assertNotEquals(publicBefore, Files.readString(publicKey), "--force replaces the pair");
        assertEquals("rw-------", mode(privateKey), "a replaced private key is created for its owner alone too");
    }

    @Test
    void aReplacedWorldReadableKeyFileIsNotReused() throws Exception {
        // A private key file left 0644 by an older issuer: --force writes a new file with 0600, not into the old one.
        Path privateKey = dir.resolve("old.private.pem");
        Files.writeString(privateKey, "old");
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(0,
                IssuerRun.of("keygen", "--alg", "ES256", "--kid", "old", "--out", dir.toString(), "--force").status());
        assertEquals("rw-------", mode(privateKey));
    }

    @Test
    void mistakesSayWhatToDo() {
        IssuerRun none = IssuerRun.of();
        assertEquals(2, none.status());
        assertTrue(none.err().contains("usage: license-issuer keygen") && none.err().contains("--dev"), none.err());
        IssuerRun typo = IssuerRun.of("keygen", "--alg", "RS256", "--kid", "k", "--ouput", dir.toString());
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("--ouput is not an option of keygen"), typo.err());
        IssuerRun badLimit = IssuerRun.of("sign", "--dev", "--customer", "Me", "--seats", "ten");
        assertEquals(2, badLimit.status());
        assertTrue(badLimit.err().contains("--seats must be a number, or 'unlimited'"), badLimit.err());
        IssuerRun wrongAlg = IssuerRun.of("sign", "--dev", "--customer", "Me", "--alg", "RS256");
        assertEquals(2, wrongAlg.status());
        assertTrue(wrongAlg.err().contains("signs EdDSA, not RS256"), wrongAlg.err());
        IssuerRun noKey = IssuerRun.of("sign", "--key", dir.resolve("missing.pem").toString(), "--kid", "k",
                "--customer", "Me");
        assertEquals(1, noKey.status());
        assertTrue(noKey.err().contains("missing.pem"), noKey.err());
    }
}
