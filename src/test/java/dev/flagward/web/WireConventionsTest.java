package dev.flagward.web;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.support.Api;
import dev.flagward.support.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

@QuarkusTest
class WireConventionsTest {

    /** A resource that fails the way a bug would, with internals in its message. Exists only in tests. */
    @Path("/api/test-only")
    @dev.flagward.security.access.Public
    public static class FailingResource {

        @GET
        @Path("boom")
        @org.eclipse.microprofile.openapi.annotations.Operation(hidden = true)
        public String boom() {
            throw new IllegalStateException("select secret from api_tokens where verifier = 'deadbeef'");
        }
    }

    @Test
    void unexpectedFailuresAre500WithoutInternals() {
        error(as(null).get("/api/test-only/boom").then(), 500, "InternalError")
                .body(not(containsString("deadbeef")))
                .body(not(containsString("IllegalState")));
    }

    @Test
    void unknownPathsUnderApiAreJson404() {
        error(admin().get("/api/admin/no-such-thing").then(), 404, "NotFoundError");
        error(admin().get("/api/nothing/here").then(), 404, "NotFoundError");
        // Without credentials, authentication comes first (as in Unleash): strangers learn nothing about routes.
        error(as(null).get("/api/nothing/here").then(), 401, "AuthenticationRequired");
    }

    /**
     * A credential that does not work says how to send one and where tokens come from, and the same words whether the
     * secret is malformed, of no stored credential, or one character off a real one: nothing about whether it exists.
     */
    @Test
    void aWrongCredentialSaysHowToSendOneWithoutSayingWhetherItExists() {
        String real = Api.createSecret(Map.of());
        Set<String> messages = new HashSet<>();
        for (String wrong : new String[]{"nonsense", "Bearer nonsense", "*:*.wrong-admin-token", Api.tampered(real),
                CredentialFormat.mint("*:development.").secret(), "user:" + "x".repeat(30)}) {
            messages.add(error(as(wrong).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError")
                    .body("details[0].message", containsString("'Authorization: Bearer <token>'"))
                    .extract().jsonPath().getString("message"));
        }
        Assertions.assertEquals(1, messages.size(), messages.toString());
        String message = messages.iterator().next();
        for (String says : new String[]{"'Authorization: <token>'", "'Authorization: Bearer <token>'",
                "/auth/simple/login",
                "README.md#two-commands"}) {
            Assertions.assertTrue(message.contains(says), says + " in: " + message);
        }
        Assertions.assertTrue(message.startsWith("The credential is not valid."), message);
    }

    /** Malformed JSON: where it breaks, as an editor shows it, and never the offending text (it may be a secret). */
    @Test
    void malformedJsonSaysTheLineAndColumn() {
        String body = "{\n  \"tokenName\": \"ci\",\n  \"type\": backend-sekrit\n}";
        error(admin().contentType("application/json").body(body).post("/api/admin/api-tokens").then(), 400,
                "BadDataError")
                .body("message", is("The request body is not valid JSON: the error is at line 3, column 11."))
                .body("details[0].message",
                        is("The request body is not valid JSON: the error is at line 3, column 11."))
                .body("details[0].path", is("/body"))
                .body(not(containsString("sekrit")));
        for (String cut : new String[]{"{\"tokenName\": \"ci\",\n", "{\"tokenName\": \"ci\"\n",
                "{\"tokenName\": \"c"}) {
            error(admin().contentType("application/json").body(cut).post("/api/admin/api-tokens").then(), 400,
                    "BadDataError")
                    .body("message", Matchers
                            .startsWith("The request body is not valid JSON: it ends before the JSON does (line "));
        }
    }

    /** As in Unleash, a method a path does not take is answered like a path it does not have. */
    @Test
    void wrongMethodIsANotFoundError() {
        error(admin().patch("/api/admin/api-tokens").then(), 404, "NotFoundError")
                .body("message", containsString("method"));
    }

    /** Finding 7 of the security review: every 4xx the framework produces carries a SPEC §2 name. */
    @Test
    void otherFrameworkRefusalsCarrySpecNames() {
        error(admin().accept("application/xml").get("/api/admin/events").then(), 406, "BadDataError");
    }

    @Test
    void badQueryValuesAre400() {
        error(admin().get("/api/admin/events?limit=abc").then(), 400, "BadDataError")
                .body("details[0].path", is("/query/limit"));
        error(admin().get("/api/admin/events?limit=100000").then(), 400, "BadDataError");
        error(admin().get("/api/admin/events?offset=-1").then(), 400, "BadDataError");
    }

    @Test
    void eventsArePagedNewestFirst() {
        admin().get("/api/admin/events?limit=2").then().statusCode(200)
                .body("events.size()", is(2))
                .body("totalEvents", Matchers.greaterThanOrEqualTo(2))
                .body("events[0].id", Matchers.greaterThan(0))
                .body("events[0]", hasKey("preData"));
        var ids = admin().get("/api/admin/events?limit=3").then().extract().jsonPath().getList("events.id",
                Integer.class);
        Assertions.assertTrue(ids.get(0) > ids.get(1) && ids.get(1) > ids.get(2), ids.toString());
    }

    /** Unleash's eventsSchema requires {@code version} (the list's format, 1), with or without events. */
    @Test
    void eventListsCarryUnleashsFormatVersion() {
        admin().get("/api/admin/events?limit=1").then().statusCode(200).body("version", is(1));
        admin().get("/api/admin/events?type=no-such-event").then().statusCode(200)
                .body("version", is(1)).body("events", Matchers.empty()).body("totalEvents", is(0));
    }

    @Test
    void healthAndReadiness() {
        RestAssured.get("/health").then().statusCode(200).body("health", is("GOOD"));
        RestAssured.get("/ready").then().statusCode(200).body("health", is("GOOD"));
        Management.request().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        Management.request().get("/q/health/live").then().statusCode(200);
        // Health and metrics live on the management port only; the public port does not serve them.
        RestAssured.get("/q/health/ready").then().statusCode(404);
        RestAssured.get("/q/metrics").then().statusCode(404);
        Management.request().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void openApiUsesUnleashOperationIds() {
        var doc = RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Assertions.assertEquals("getAllApiTokens", doc.getString("paths.'/api/admin/api-tokens'.get.operationId"));
        Assertions.assertEquals("createApiToken", doc.getString("paths.'/api/admin/api-tokens'.post.operationId"));
        Assertions.assertEquals("getApiTokensByName",
                doc.getString("paths.'/api/admin/api-tokens/{token}'.get.operationId"));
        Assertions.assertEquals("updateApiToken",
                doc.getString("paths.'/api/admin/api-tokens/{token}'.put.operationId"));
        Assertions.assertEquals("deleteApiToken",
                doc.getString("paths.'/api/admin/api-tokens/{token}'.delete.operationId"));
        Assertions.assertEquals("getHealth", doc.getString("paths.'/health'.get.operationId"));
        Assertions.assertEquals("getReady", doc.getString("paths.'/ready'.get.operationId"));
        Assertions.assertEquals("API tokens", doc.getString("paths.'/api/admin/api-tokens'.get.tags[0]"));
        Assertions.assertEquals("getSignalEndpoints",
                doc.getString("paths.'/api/admin/signal-endpoints'.get.operationId"));
        Assertions.assertEquals("addSignalEndpointToken",
                doc.getString("paths.'/api/admin/signal-endpoints/{signalEndpointId}/tokens'.post.operationId"));
        Assertions.assertEquals("updateSignalEndpointToken",
                doc.getString("paths.'/api/admin/signal-endpoints/{signalEndpointId}/tokens/{id}'.put.operationId"));
        Assertions.assertEquals("callSignalEndpoint",
                doc.getString("paths.'/api/signal-endpoint/{name}'.post.operationId"));
        Assertions.assertEquals("getSignalsByQuery", doc.getString("paths.'/api/admin/signals'.get.operationId"));
        RestAssured.get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void metricsArePublished() {
        Management.request().get("/q/metrics").then().statusCode(200)
                .body(containsString("flagward_auth_total"))
                .body(containsString("http_server_requests"));
    }
}
