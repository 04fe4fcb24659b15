package dev.flagward.security.keys;

import dev.flagward.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the few secrets that must stay recoverable (signal endpoints' signing secrets), and derives those that must be
 * given out again (the tokens issued to Edge), with AES-256-GCM and HMAC-SHA256 from the
 * JDK and the key in {@code FLAGWARD_SECRETS_KEY} (base64 of 32 bytes). Each sealed value is a fresh 12-byte nonce
 * and the ciphertext with its tag, bound to a context (which row it belongs to) so that a value copied to another
 * row does not open. Without a key nothing can be sealed, and only the features that need it say so.
 */
@ApplicationScoped
public class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public SecretBox(@ConfigProperty(name = "flagward.secrets.key") Optional<String> configured) {
        this.key = configured.filter(value -> !value.isBlank()).map(SecretBox::parse).orElse(null);
    }

    private static SecretKeySpec parse(String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("FLAGWARD_SECRETS_KEY is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("FLAGWARD_SECRETS_KEY must be 32 bytes (base64 of 32 random bytes: "
                    + "openssl rand -base64 32), not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public boolean available() {
        return key != null;
    }

    /** The refusal of a feature that needs the key when none is configured. */
    /** A value sealed with another FLAGWARD_SECRETS_KEY: 500, with what the operator must fix. */
    public static ApiException keyWrong() {
        return new ApiException(500, "InternalError", "A value stored sealed does not open with this replica's "
                + "FLAGWARD_SECRETS_KEY: it was sealed with another key. Give every replica the key the instance was "
                + "first started with.");
    }

    public static ApiException keyMissing(String what) {
        return ApiException.operationDenied(what + " needs FLAGWARD_SECRETS_KEY (base64 of 32 random bytes) to be "
                + "configured, so that it can be stored encrypted.");
    }

    /**
     * 32 bytes derived from the key for this purpose and context (HMAC-SHA256 over both, with a label that keeps
     * derived values apart from anything sealed): a secret that must be given out again is derived, not stored, so
     * the database alone never holds it. The same purpose and context always give the same bytes.
     */
    public byte[] derive(String purpose, String context) {
        if (key == null) {
            throw new IllegalStateException("no FLAGWARD_SECRETS_KEY");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(
                    ("flagward-derived-secret-v1\0" + purpose + "\0" + context).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    public byte[] seal(byte[] plaintext, String context) {
        if (key == null) {
            throw new IllegalStateException("no FLAGWARD_SECRETS_KEY");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JVM", e);
        }
    }

    /** The plaintext, or an exception when the value was sealed with another key or for another context. */
    public byte[] open(byte[] sealed, String context) {
        if (key == null) {
            throw new IllegalStateException("no FLAGWARD_SECRETS_KEY");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            // A configuration mistake, not a bug: say what to fix (no secret is in the message).
            throw keyWrong();
        }
    }
}
