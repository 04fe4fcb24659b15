package dev.flagward.web;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createToken;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.unique;
import static dev.flagward.support.Api.validate;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** What real Unleash clients read: Edge's token types, 401 bodies, unknown paths, ETags. */
@QuarkusTest
class WireCompatibilityTest {

    @Test
    void edgeValidateAnswersClientForABackendTokenAsUnleashDoes() {
        String name = unique("edge");
        Map<String, Object> created = createToken(Map.of("tokenName", name, "type", "backend"));
        assertEquals("backend", created.get("type"));
        String frontend = (String) createToken(Map.of("tokenName", unique("fe"), "type", "frontend")).get("secret");
        validate((String) created.get("secret")).body("tokens[0].type", is("client"));
        validate(frontend).body("tokens[0].type", is("frontend"));
        // Lists keep the stored type.
        admin().get("/api/admin/api-tokens/" + name).then().body("tokens[0].type", is("backend"));
    }

    @Test
    void authenticationRequiredCarriesDefaultHidden() {
        error(RestAssured.get("/api/admin/api-tokens").then(), 401, "AuthenticationRequired")
                .body("path", is("/auth/simple/login")).body("type", is("password")).body("defaultHidden", is(false));
    }

    @Test
    void unknownAdminPathsAuthenticateFirst() {
        for (String path : List.of("/api/admin/no-such-thing", "/api/admin/api-tokens/a/b/c", "//api/admin/nope",
                "/api/nope")) {
            error(RestAssured.get(path).then(), 401, "AuthenticationRequired");
            error(as("*:*.v2_unknownunknownunknown0_x").get(path).then(), 401, "UnauthorizedError");
            error(admin().get(path).then(), 404, "NotFoundError");
        }
        // A method a path does not take: the same.
        error(RestAssured.given().delete("/api/admin/api-tokens").then(), 401, "AuthenticationRequired");
        error(admin().delete("/api/admin/api-tokens").then(), 404, "NotFoundError");
        // Outside the API: not found, whoever asks.
        error(RestAssured.get("/no-such-page").then(), 404, "NotFoundError");
    }

    @Test
    void listsCarryAWeakETagAndAnswer304() {
        for (String path : List.of("/api/admin/api-tokens", "/api/admin/user-admin")) {
            Response first = admin().get(path);
            String etag = first.then().statusCode(200).extract().header("ETag");
            assertTrue(etag != null && etag.startsWith("W/\""), path + ": " + etag);
            Response cached = admin().header("If-None-Match", etag).get(path);
            cached.then().statusCode(304).header("ETag", is(etag));
            assertEquals(0, cached.asByteArray().length);
            admin().header("If-None-Match", "W/\"something-else\"").get(path).then().statusCode(200);
            // Strong or weak, the comparison is weak; several tags in one header work.
            admin().header("If-None-Match", "\"x\", " + etag.substring(2)).get(path).then().statusCode(304);
        }
        // A change gives a new tag.
        String before = admin().get("/api/admin/api-tokens").getHeader("ETag");
        createToken(Map.of("tokenName", unique("etag"), "type", "backend"));
        assertNotEquals(before, admin().get("/api/admin/api-tokens").getHeader("ETag"));

        Users.TestUser user = Users.withRole("Editor");
        String patTag = as(user.pat()).get("/api/admin/user/tokens").then().statusCode(200).extract().header("ETag");
        as(user.pat()).header("If-None-Match", patTag).get("/api/admin/user/tokens").then().statusCode(304);
        Users.createPat(user.cookie(), "another");
        as(user.pat()).header("If-None-Match", patTag).get("/api/admin/user/tokens").then().statusCode(200);
    }
}
