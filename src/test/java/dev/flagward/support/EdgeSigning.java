package dev.flagward.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs {@code POST /edge/issue-token} as Unleash's Enterprise Edge does, written from Unleash's description rather
 * than from the service's code: {@code Authorization: HMAC <clientId>:<base64url HMAC-SHA256>} over
 * {@code POST\n/edge/issue-token\n<x-timestamp>\n<x-nonce>\n<content-sha256>}, keyed with the client's secret.
 */
public final class EdgeSigning {

    /** The clients configured for the tests (src/test/resources/META-INF/microprofile-config.properties). */
    public static final String CLIENT = "enterprise-edge";
    public static final String SECRET = "f8JLvyCj_RaNlW_m-fS7AIkJOpSJkdB3-Bg_Zm5ZyxQ";
    public static final String OTHER_CLIENT = "second-edge";
    public static final String OTHER_SECRET = "chueYSxBVLylSefAEUSgUgdADA3ZvbBZHRP_u4-Btks";
    public static final String PATH = "/edge/issue-token";

    private EdgeSigning() {
    }

    /** The headers Enterprise Edge sends with one request. */
    public record Signature(String authorization, String timestamp, String nonce, String bodyHash) {

        public RequestSpecification on(String body) {
            return RestAssured.given().contentType(ContentType.JSON).body(body)
                    .header("Authorization", authorization).header("x-timestamp", timestamp)
                    .header("x-nonce", nonce).header("content-sha256", bodyHash);
        }
    }

    public static Signature sign(String body, String client, String secret, Instant at) {
        try {
            String timestamp = at.toString();
            String nonce = UUID.randomUUID().toString().replace("-", "");
            String hash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(secret), "HmacSHA256"));
            String canonical = "POST\n" + PATH + "\n" + timestamp + "\n" + nonce + "\n" + hash;
            String signature = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
            return new Signature("HMAC " + client + ":" + signature, timestamp, nonce, hash);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed now by the first test client. */
    public static RequestSpecification signed(String body) {
        return sign(body, CLIENT, SECRET, Instant.now()).on(body);
    }
}
