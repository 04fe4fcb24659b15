package dev.flagward.apitoken;

import dev.flagward.web.ApiException;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Edge clients that may ask for tokens ({@code POST /edge/issue-token}), and the check of their signature, on the
 * wire as Unleash's Enterprise Edge signs: {@code Authorization: HMAC <clientId>:<signature>} where the signature is
 * base64url HMAC-SHA256, keyed with the client's secret, of {@code POST\n/edge/issue-token\n<x-timestamp>\n<x-nonce>\n
 * <content-sha256>}, and {@code content-sha256} is the hex SHA-256 of the body. Everything here is decided from memory;
 * the nonce (used once) is the caller's to record, after the signature has verified, so that strangers never make the
 * database work.
 */
@Singleton
public class EdgeClients {

    /** How far a request's x-timestamp may be from now, either way (Unleash: 5 minutes). */
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final String PATH = "/edge/issue-token";
    private static final Pattern AUTHORIZATION = Pattern.compile("^HMAC ([^:\\s]{1,100}):(\\S{1,200})$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");
    private static final Pattern NONCE = Pattern.compile("^[\\x21-\\x7e]{1,128}$");
    private static final Pattern HEX_SHA256 = Pattern.compile("^[0-9A-Fa-f]{64}$");
    /** The key an unknown client's signature is computed with, so that it costs what a known client's does. */
    private static final byte[] NOBODY = new byte[32];

    /** A verified request: which client, and its nonce with how long it must be remembered. */
    public record Signed(String clientId, String nonce, Instant rememberUntil) {}

    private final Map<String, byte[]> secrets;
    private final Clock clock;

    public EdgeClients(EdgeConfig config, Clock clock) {
        this.secrets = parse(config.clients().orElse(""));
        this.clock = clock;
    }

    /** {@code id=secret,…}; a malformed entry stops start-up with a message that names the client, never the secret. */
    static Map<String, byte[]> parse(String configured) {
        Map<String, byte[]> out = new HashMap<>();
        for (String entry : configured.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            String id = equals < 0 ? entry.strip() : entry.substring(0, equals).strip();
            if (equals < 0 || !CLIENT_ID.matcher(id).matches()) {
                throw new IllegalStateException("FLAGWARD_EDGE_CLIENTS: each entry is clientId=secret, the id 1 to 100 "
                        + "characters of A-Z a-z 0-9 . _ - (entry " + (out.size() + 1) + " is not)");
            }
            byte[] key;
            try {
                key = Base64.getUrlDecoder()
                        .decode(entry.substring(equals + 1).strip().replace('+', '-').replace('/', '_')
                                .replace("=", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "FLAGWARD_EDGE_CLIENTS: the secret of client " + id + " is not base64url");
            }
            if (key.length < 16) {
                throw new IllegalStateException("FLAGWARD_EDGE_CLIENTS: the secret of client " + id
                        + " must be at least 16 random bytes (base64url), not " + key.length);
            }
            if (out.put(id, key) != null) {
                throw new IllegalStateException("FLAGWARD_EDGE_CLIENTS: client " + id + " is given twice");
            }
        }
        return Map.copyOf(out);
    }

    /**
     * The signing client, or 401: no Authorization header (AuthenticationRequired), or one that is not an HMAC
     * signature, a missing header, a timestamp outside the window, a body that is not the one hashed, an unknown
     * client or a signature that does not verify (UnauthorizedError, saying which, as Unleash does).
     */
    public Signed verify(String authorization, String timestamp, String nonce, String contentSha256, byte[] body) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.authenticationRequired();
        }
        Matcher header = AUTHORIZATION.matcher(authorization.strip());
        if (!header.matches()) {
            throw ApiException.unauthorized(
                    "Missing HMAC authorization header: send Authorization: HMAC <clientId>:<signature>.");
        }
        if (timestamp == null || nonce == null || contentSha256 == null) {
            throw ApiException
                    .unauthorized("Missing content headers: x-timestamp, x-nonce and content-sha256 are required.");
        }
        if (!NONCE.matcher(nonce).matches() || !HEX_SHA256.matcher(contentSha256).matches()) {
            throw ApiException.unauthorized(
                    "x-nonce must be 1 to 128 visible characters, content-sha256 the hex SHA-256 of the body.");
        }
        Instant stamped;
        try {
            stamped = OffsetDateTime.parse(timestamp.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.unauthorized("x-timestamp is not an RFC 3339 date-time.");
        }
        Instant now = clock.instant();
        if (stamped.isBefore(now.minus(WINDOW)) || stamped.isAfter(now.plus(WINDOW))) {
            throw ApiException
                    .unauthorized("Stale request: x-timestamp is more than 5 minutes from the server's time.");
        }
        if (!MessageDigest.isEqual(sha256(body), HexFormat.of().parseHex(contentSha256))) {
            throw ApiException.unauthorized("Body tampering detected: content-sha256 is not the SHA-256 of the body.");
        }
        String clientId = header.group(1);
        byte[] key = secrets.get(clientId);
        String canonical = "POST\n" + PATH + "\n" + timestamp + "\n" + nonce + "\n" + contentSha256;
        byte[] expected = hmac(key == null ? NOBODY : key, canonical);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(header.group(2).replace("=", ""));
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, given) || key == null) {
            throw ApiException.unauthorized("The signature does not verify: unknown client or wrong signature.");
        }
        // Remembered for as long as this timestamp would be accepted again, on any replica: twice the window, so that a
        // replica whose clock runs ahead (it purges by its own clock) cannot forget it before one behind stops taking it.
        return new Signed(clientId, nonce, stamped.plus(WINDOW.multipliedBy(2)));
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    /** Never the secrets, should this ever be logged. */
    @Override
    public String toString() {
        return "EdgeClients" + secrets.keySet();
    }
}
