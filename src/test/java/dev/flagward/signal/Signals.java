package dev.flagward.signal;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;

import dev.flagward.support.Eventually;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signal endpoints and inbound calls as a test needs them, through the API. */
final class Signals {

    static final String ENDPOINTS = "/api/admin/signal-endpoints";

    private Signals() {
    }

    record Endpoint(long id, String name) {

        String url() {
            return "/api/signal-endpoint/" + name;
        }
    }

    static Endpoint create() {
        String name = unique("ep").toLowerCase();
        long id = json(ADMIN, Map.of("name", name, "description", "from a test")).post(ENDPOINTS)
                .then().statusCode(201).extract().jsonPath().getLong("id");
        return new Endpoint(id, name);
    }

    /** A new token of the endpoint; its secret. */
    static String token(Endpoint endpoint) {
        return json(ADMIN, Map.of("name", unique("token"))).post(ENDPOINTS + "/" + endpoint.id() + "/tokens")
                .then().statusCode(201).extract().path("token");
    }

    static String signingSecret(Endpoint endpoint) {
        return RestAssured.given().header("Authorization", ADMIN)
                .post(ENDPOINTS + "/" + endpoint.id() + "/signing-secret")
                .then().statusCode(201).extract().path("secret");
    }

    static RequestSpecification inbound(String token, String body) {
        RequestSpecification request = RestAssured.given().contentType(ContentType.JSON);
        if (token != null) {
            request = request.header("Authorization", token);
        }
        return body == null ? request : request.body(body);
    }

    static Response send(Endpoint endpoint, String token, String body) {
        return inbound(token, body).post(endpoint.url());
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)), key = the secret's decoded bytes. */
    static String sign(String secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Response sendSigned(Endpoint endpoint, String token, String body, String webhookId, long timestamp,
            String signature) {
        return inbound(token, body).header("webhook-id", webhookId)
                .header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signature).post(endpoint.url());
    }

    /** A signed call with the signature headers under the given names (webhook-* or svix-*). */
    static Response sendSignedAs(String prefix, Endpoint endpoint, String token, String body, String webhookId,
            String timestamp, String signature) {
        return inbound(token, body).header(prefix + "-id", webhookId).header(prefix + "-timestamp", timestamp)
                .header(prefix + "-signature", signature).post(endpoint.url());
    }

    /**
     * Runs retention until the condition holds: one purge may find another holding the replica-wide lock (the
     * scheduled run), and then does nothing.
     */
    static void purgeUntil(SignalRetention retention, String alias, Callable<Boolean> condition) {
        Eventually.within(Duration.ofSeconds(10)).alias(alias).until(() -> {
            retention.purgeNow().await().atMost(Duration.ofSeconds(10));
            return condition.call();
        });
    }
}
