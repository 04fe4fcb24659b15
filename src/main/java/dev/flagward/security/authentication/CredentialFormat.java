package dev.flagward.security.authentication;

import dev.flagward.security.keys.SecretBox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * The one format of every secret Flagward mints (SPEC §3):
 * {@code <prefix>v2_<selector><'_'><secret><checksum>} where the selector is 16 random bytes and the secret
 * 32 random bytes, both base64url without padding, and the checksum is the CRC32 of everything before it in
 * base62, left-padded to 6 characters. Parsed by position from the end, because base64url also uses '_'.
 * What is stored is the selector (public, for lookup) and the verifier, SHA-256 of the whole string.
 */
public final class CredentialFormat {

    public static final String VERSION_MARK = "v2_";
    public static final int SELECTOR_LENGTH = 22;
    static final int SECRET_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    /** selector + '_' + secret + checksum */
    private static final int TAIL_LENGTH = SELECTOR_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private CredentialFormat() {
    }

    /** A freshly minted credential: the secret to show once, and what may be stored. */
    public record Minted(String secret, String selector, byte[] verifier) {

        @Override
        public String toString() {
            return "Minted[selector=" + selector + "]";
        }
    }

    /** What a v2 secret says about itself, without any lookup. */
    public record Parsed(String prefix, String selector) {}

    public static Minted mint(String prefix) {
        byte[] selectorBytes = new byte[16];
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(selectorBytes);
        RANDOM.nextBytes(secretBytes);
        String selector = B64URL.encodeToString(selectorBytes);
        String body = prefix + VERSION_MARK + selector + '_' + B64URL.encodeToString(secretBytes);
        String secret = body + checksum(body);
        return new Minted(secret, selector, verifier(secret));
    }

    /**
     * A credential of this format whose 32 secret bytes the caller gives, for the one kind of secret that must be given
     * out again (Edge's issued tokens): the bytes are derived from a key kept outside the database
     * ({@link SecretBox#derive}), so the same selector always gives the same secret and nothing recoverable is stored.
     */
    public static Minted assemble(String prefix, String selector, byte[] secretBytes) {
        if (secretBytes.length != 32 || !looksLikeSelector(selector)) {
            throw new IllegalArgumentException("a selector of 22 base64url characters and 32 secret bytes");
        }
        String body = prefix + VERSION_MARK + selector + '_' + B64URL.encodeToString(secretBytes);
        String secret = body + checksum(body);
        return new Minted(secret, selector, verifier(secret));
    }

    /** A fresh selector: 16 random bytes, base64url. */
    public static String newSelector() {
        byte[] selectorBytes = new byte[16];
        RANDOM.nextBytes(selectorBytes);
        return B64URL.encodeToString(selectorBytes);
    }

    /**
     * Parses a v2 secret. Returns null for anything that is not one, including a v2 shape whose checksum fails
     * (a typo or a forgery, rejected without a lookup).
     */
    public static Parsed parse(String secret) {
        if (!isV2Shaped(secret) || !checksumMatches(secret)) {
            return null;
        }
        int tailStart = secret.length() - TAIL_LENGTH;
        int markStart = tailStart - VERSION_MARK.length();
        return new Parsed(secret.substring(0, markStart), secret.substring(tailStart, tailStart + SELECTOR_LENGTH));
    }

    /**
     * True when a secret has the v2 shape by position, whatever its checksum: {@code v2_}, 22 selector characters,
     * {@code _}, 43 secret characters (base64url), and 6 checksum characters (base62) at the end. Such a secret
     * is never taken as a verbatim one, so a mistyped v2 secret cannot turn into a lookup.
     */
    public static boolean isV2Shaped(String secret) {
        int length = secret.length();
        int tailStart = length - TAIL_LENGTH;
        int markStart = tailStart - VERSION_MARK.length();
        if (markStart < 0 || !secret.startsWith(VERSION_MARK, markStart)
                || secret.charAt(tailStart + SELECTOR_LENGTH) != '_') {
            return false;
        }
        for (int i = tailStart; i < length - CHECKSUM_LENGTH; i++) {
            if (i != tailStart + SELECTOR_LENGTH && !isBase64Url(secret.charAt(i))) {
                return false;
            }
        }
        for (int i = length - CHECKSUM_LENGTH; i < length; i++) {
            if (!isBase62(secret.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** True when the last six characters are the base62 CRC32 of the rest; what a leak scanner checks offline. */
    public static boolean checksumMatches(String secret) {
        if (secret.length() <= CHECKSUM_LENGTH) {
            return false;
        }
        String body = secret.substring(0, secret.length() - CHECKSUM_LENGTH);
        return MessageDigest.isEqual(checksum(body).getBytes(StandardCharsets.US_ASCII),
                secret.substring(body.length()).getBytes(StandardCharsets.US_ASCII));
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    public static byte[] verifier(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Constant-time comparison of a presented secret with a stored verifier. */
    public static boolean verifies(String secret, byte[] storedVerifier) {
        return MessageDigest.isEqual(verifier(secret), storedVerifier);
    }

    public static boolean looksLikeSelector(String value) {
        if (value.length() != SELECTOR_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isBase64Url(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase62(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
