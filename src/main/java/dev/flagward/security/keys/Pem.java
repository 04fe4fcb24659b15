package dev.flagward.security.keys;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM text for DER key bytes, both ways (license keys, the statistics key): base64 in 64-character lines. */
public final class Pem {

    private Pem() {
    }

    /** {@code -----BEGIN <type>-----}, the base64 of the bytes in 64-character lines, {@code -----END <type>-----}. */
    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** The bytes of a PEM block of this type; IllegalArgumentException when the text is not base64. */
    public static byte[] decode(String pem, String type) {
        return Base64.getDecoder().decode(pem.replace("-----BEGIN " + type + "-----", "")
                .replace("-----END " + type + "-----", "").replaceAll("\\s", ""));
    }
}
