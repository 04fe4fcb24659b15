package dev.flagward.security.authentication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.CRC32;

class CredentialFormatTest {

    /** An independent implementation of the checksum rule, as a leak scanner would write it. */
    private static String scannerChecksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        BigInteger value = BigInteger.valueOf(crc.getValue());
        StringBuilder out = new StringBuilder();
        while (value.signum() > 0) {
            BigInteger[] qr = value.divideAndRemainder(BigInteger.valueOf(62));
            out.insert(0, digits.charAt(qr[1].intValue()));
            value = qr[0];
        }
        while (out.length() < 6) {
            out.insert(0, '0');
        }
        return out.toString();
    }

    @Test
    void mintedSecretHasTheDocumentedShape() {
        CredentialFormat.Minted minted = CredentialFormat.mint("default:production.");
        String secret = minted.secret();
        assertTrue(secret.startsWith("default:production.v2_"), secret);
        assertEquals("default:production.".length() + 3 + 22 + 1 + 43 + 6, secret.length());
        assertEquals(minted.selector(), secret.substring(22, 44));
        assertEquals('_', secret.charAt(44));
        String body = secret.substring(0, secret.length() - 6);
        assertEquals(scannerChecksum(body), secret.substring(secret.length() - 6));
    }

    @Test
    void verifierIsSha256OfTheWholeSecret() throws Exception {
        CredentialFormat.Minted minted = CredentialFormat.mint("user:");
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(minted.secret().getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, minted.verifier());
        assertTrue(CredentialFormat.verifies(minted.secret(), minted.verifier()));
        assertFalse(CredentialFormat.verifies(minted.secret() + "x", minted.verifier()));
    }

    @Test
    void parsesByPositionWhateverUnderscoresTheRandomPartsContain() {
        for (int i = 0; i < 2000; i++) {
            CredentialFormat.Minted minted = CredentialFormat.mint("[]:development.");
            CredentialFormat.Parsed parsed = CredentialFormat.parse(minted.secret());
            assertNotNull(parsed, minted.secret());
            assertEquals("[]:development.", parsed.prefix());
            assertEquals(minted.selector(), parsed.selector());
        }
    }

    @Test
    void anyAlteredCharacterFailsTheChecksum() {
        String secret = CredentialFormat.mint("signal_").secret();
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            String altered = secret.substring(0, i) + (c == 'A' ? 'B' : 'A') + secret.substring(i + 1);
            assertNull(CredentialFormat.parse(altered), "altered at " + i);
        }
        assertNull(CredentialFormat.parse(secret.substring(0, secret.length() - 1)));
        assertNull(CredentialFormat.parse("*:*.legacy-admin-secret"));
        assertNull(CredentialFormat.parse(""));
    }

    /**
     * Selectors and secrets carry their full randomness: over 4,000 mints every one of the 128 selector bits and 256
     * secret bits is set about half the time. A counter, a clock, a truncated or a reused random source would not be.
     */
    @Test
    void everyBitOfSelectorAndSecretIsRandom() {
        int mints = 4000;
        int[] selectorOnes = new int[128];
        int[] secretOnes = new int[256];
        for (int i = 0; i < mints; i++) {
            String secret = CredentialFormat.mint("*:*.").secret();
            count(Base64.getUrlDecoder().decode(secret.substring(7, 29)), selectorOnes);
            count(Base64.getUrlDecoder().decode(secret.substring(30, 73)), secretOnes);
        }
        for (int[] ones : new int[][]{selectorOnes, secretOnes}) {
            for (int bit = 0; bit < ones.length; bit++) {
                // Binomial(4000, 1/2): mean 2000, sd 31.6; 7 sd either way is never reached by chance.
                assertTrue(Math.abs(ones[bit] - mints / 2) < 222,
                        "bit " + bit + " was set " + ones[bit] + " times in " + mints);
            }
        }
    }

    private static void count(byte[] bytes, int[] ones) {
        for (int bit = 0; bit < ones.length; bit++) {
            if ((bytes[bit / 8] >> (7 - bit % 8) & 1) == 1) {
                ones[bit]++;
            }
        }
    }

    @Test
    void mintedRecordDoesNotPrintItsSecret() {
        CredentialFormat.Minted minted = CredentialFormat.mint("user:");
        assertFalse(minted.toString().contains(minted.secret()));
    }

    @Test
    void bearerAndSpacingAreStripped() {
        assertEquals("abc", Authenticator.secretFrom("abc"));
        assertEquals("abc", Authenticator.secretFrom("Bearer abc"));
        assertEquals("abc", Authenticator.secretFrom("bEaReR    abc  "));
        assertEquals("Bearerabc", Authenticator.secretFrom("Bearerabc"));
        assertNull(Authenticator.secretFrom("   "));
        assertNull(Authenticator.secretFrom("Bearer   "));
        assertNull(Authenticator.secretFrom(null));
    }
}
