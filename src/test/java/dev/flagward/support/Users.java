package dev.flagward.support;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.json;
import static dev.flagward.support.Api.unique;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Users as a test needs them: created through the API, signed in, with a PAT. */
public final class Users {

    public static final String PASSWORD = "a-long-test-password";

    private Users() {
    }

    public record TestUser(long id, String username, String cookie, String pat) {}

    public static long create(String username, String role) {
        return json(ADMIN, Map.of("username", username, "email", username + "@example.com", "name", "Test " + username,
                "password", PASSWORD, "rootRole", role))
                .post("/api/admin/user-admin").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Signs in and returns the session cookie value. */
    public static String login(String username, String password) {
        Response response = RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password)).post("/auth/simple/login");
        response.then().statusCode(200);
        return response.getCookie("unleash-session");
    }

    public static String createPat(String cookie, String description) {
        return RestAssured.given().cookie("unleash-session", cookie).contentType(ContentType.JSON)
                .body(Map.of("description", description, "expiresAt", Api.iso(Instant.now().plus(30, ChronoUnit.DAYS))))
                .post("/api/admin/user/tokens").then().statusCode(201).extract().jsonPath().getString("secret");
    }

    /** A new user of this role, signed in, with one PAT. */
    public static TestUser withRole(String role) {
        String username = unique(role.toLowerCase());
        long id = create(username, role);
        String cookie = login(username, PASSWORD);
        return new TestUser(id, username, cookie, createPat(cookie, "test pat"));
    }
}
