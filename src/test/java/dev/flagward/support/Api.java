package dev.flagward.support;

import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Requests as a client makes them, and the assertions every error body must satisfy (SPEC §2). */
public final class Api {

    public static final String ADMIN = "*:*.test-admin-secret";
    public static final String BOOTSTRAP_BACKEND = "default:development.test-backend-secret";
    public static final String BOOTSTRAP_FRONTEND = "*:production.test-frontend-secret";

    private Api() {
    }

    public static RequestSpecification as(String secret) {
        RequestSpecification spec = RestAssured.given();
        return secret == null ? spec : spec.header("Authorization", secret);
    }

    public static RequestSpecification admin() {
        return as(ADMIN);
    }

    public static RequestSpecification json(String secret, Object body) {
        return as(secret).contentType(ContentType.JSON).body(body);
    }

    /**
     * The secret with its last character (a checksum character) replaced by a different one. Appending a fixed
     * character instead left the secret unchanged, and valid, whenever it already ended with that character (1 in 62).
     */
    public static String tampered(String secret) {
        char last = secret.charAt(secret.length() - 1);
        return secret.substring(0, secret.length() - 1) + (last == 'x' ? 'y' : 'x');
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString().replaceFirst("(\\d{2}:\\d{2}:\\d{2})Z$", "$1.000Z");
    }

    /** Creates a token through the API and returns the create response body. */
    public static Map<String, Object> createToken(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>();
        body.put("tokenName", unique("tok"));
        body.put("type", "backend");
        body.putAll(fields);
        return json(ADMIN, body).post("/api/admin/api-tokens").then().statusCode(201).extract().jsonPath().getMap("");
    }

    public static String createSecret(Map<String, Object> fields) {
        return (String) createToken(fields).get("secret");
    }

    /** Asserts the SPEC §2 error body: id, name, message, non-empty details, nothing internal. */
    public static ValidatableResponse error(ValidatableResponse response, int status, String name) {
        return response.statusCode(status)
                .contentType(ContentType.JSON)
                .body("id", not(emptyOrNullString()))
                .body("name", is(name))
                .body("message", not(emptyOrNullString()))
                .body("details", instanceOf(List.class))
                .body("details[0].message", notNullValue())
                .body(not(containsStringIgnoringCase("exception")))
                .body(not(containsStringIgnoringCase("select ")))
                .body(not(containsStringIgnoringCase("at java.")));
    }

    public static ValidatableResponse validate(String... secrets) {
        return json(null, Map.of("tokens", List.of(secrets))).post("/edge/validate").then().statusCode(200);
    }
}
