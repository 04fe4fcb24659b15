package dev.flagward.signal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): {@code webhook-signature} holds one or more
 * space-separated {@code v1,<base64 HMAC-SHA256>} of {@code "<webhook-id>.<webhook-timestamp>.<raw body>"}, keyed
 * with the decoded bytes of the {@code whsec_} secret. Compared in constant time against every key in force. A
 * failure says which check failed, never the expected value. Senders built on Svix send the same scheme under
 * {@code svix-*} names.
 */
final class WebhookSignature {

    static final Duration TOLERANCE = Duration.ofMinutes(5);
    static final int MAX_ID_LENGTH = 256;

    private WebhookSignature() {
    }

    /** The headers of a signed call, as sent (null where absent). */
    record Headers(String id, String timestamp, String signature) {

        boolean any() {
            return id != null || timestamp != null || signature != null;
        }

        /**
         * The standard headers, or Svix's names for the same scheme ({@code svix-id}, {@code svix-timestamp},
         * {@code svix-signature}) when none of the standard ones is present. The standard set is taken whole or not
         * at all: one signature's id, timestamp and signature are never assembled from both sets.
         */
        static Headers standardOrSvix(Headers standard, Headers svix) {
            return standard.any() ? standard : svix;
        }
    }

    /** Null when the call is signed by one of the keys, else what is wrong (for the 401's message). */
    static String problem(Headers headers, byte[] body, List<byte[]> keys, Instant now) {
        if (isBlank(headers.id()) || isBlank(headers.timestamp()) || isBlank(headers.signature())) {
            return "This endpoint requires signed calls: webhook-id, webhook-timestamp and webhook-signature are required "
                    + "(or svix-id, svix-timestamp and svix-signature).";
        }
        if (headers.id().length() > MAX_ID_LENGTH) {
            return "The webhook-id is longer than " + MAX_ID_LENGTH + " characters.";
        }
        long seconds;
        try {
            seconds = Long.parseLong(headers.timestamp().strip());
        } catch (NumberFormatException e) {
            return "The webhook-timestamp is not a number of seconds since the epoch.";
        }
        // Compared, not subtracted: now - seconds overflows for a timestamp near Long.MIN_VALUE, into the window.
        long nowSeconds = now.getEpochSecond();
        if (seconds < nowSeconds - TOLERANCE.toSeconds() || seconds > nowSeconds + TOLERANCE.toSeconds()) {
            return "The webhook-timestamp is more than 5 minutes away from this server's time.";
        }
        byte[] signed = signedContent(headers.id(), headers.timestamp().strip(), body);
        for (byte[] key : keys) {
            byte[] expected = hmac(key, signed);
            for (String candidate : headers.signature().strip().split(" +")) {
                if (!candidate.startsWith("v1,")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(candidate.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return null;
                }
            }
        }
        return "No signature in webhook-signature matches this endpoint's signing secret.";
    }

    static byte[] signedContent(String id, String timestamp, byte[] body) {
        byte[] head = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[head.length + body.length];
        System.arraycopy(head, 0, content, 0, head.length);
        System.arraycopy(body, 0, content, head.length, body.length);
        return content;
    }

    static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
