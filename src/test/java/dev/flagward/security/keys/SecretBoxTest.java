package dev.flagward.security.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.web.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** Sealed values and the key that opens them: a replica started with another FLAGWARD_SECRETS_KEY says what to fix. */
class SecretBoxTest {

    private static SecretBox box(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return new SecretBox(Optional.of(Base64.getEncoder().encodeToString(key)));
    }

    @Test
    void aValueSealedWithAnotherKeyIsRefusedWithWhatTheOperatorMustFix() {
        byte[] secret = "the statistics private key".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = box(1).seal(secret, "instance-statistics-key:k");
        assertArrayEquals(secret, box(1).open(sealed, "instance-statistics-key:k"));

        ApiException wrongKey = assertThrows(ApiException.class,
                () -> box(2).open(sealed, "instance-statistics-key:k"));
        assertEquals(500, wrongKey.status());
        assertTrue(
                wrongKey.getMessage().contains("FLAGWARD_SECRETS_KEY")
                        && wrongKey.getMessage().contains("every replica"),
                wrongKey.getMessage());
        assertFalse(wrongKey.getMessage().contains("statistics private key"));
        // Another context is refused the same way: a value cannot be opened where it was not sealed for.
        assertEquals(500, assertThrows(ApiException.class, () -> box(1).open(sealed, "signing-secret:1")).status());
    }
}
