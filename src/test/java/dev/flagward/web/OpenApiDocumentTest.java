package dev.flagward.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The served document is valid OpenAPI as a third-party parser (swagger-parser, what openapi-generator reads with)
 * sees it, and complete: every operation has a summary, a description, a unique operation id, its security (an
 * explicit empty list for public ones), its errors with the error body, and nothing leaks a Java type.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static final Set<String> OPEN = Set.of("login", "logout", "getHealth", "getReady", "getValidTokens",
            "validateToken", "changePassword", "validatePassword", "sendResetPasswordEmail",
            "validatePublicSignupToken",
            "addPublicSignupTokenUser");

    @Test
    void theDocumentIsValidOpenApiWithNothingMissing() {
        String json = RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        ParseOptions options = new ParseOptions();
        options.setValidateInternalRefs(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(json, null, options);
        assertEquals(List.of(), parsed.getMessages(), "the parser's complaints");
        OpenAPI api = parsed.getOpenAPI();
        assertEquals("3.1.0", api.getOpenapi());
        assertFalse(api.getServers() == null || api.getServers().isEmpty(), "servers");
        assertTrue(api.getComponents().getSecuritySchemes().keySet()
                .containsAll(Set.of("apiToken", "session", "signalToken",
                        "hmacSignature")));
        for (String leaked : List.of("JsonNode", "ObjectNode", "JsonNodeType", "OutboundSseEvent", "Object",
                "Instant")) {
            assertFalse(api.getComponents().getSchemas().containsKey(leaked), "a Java type in the schemas: " + leaked);
        }

        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : path.getValue().readOperationsMap().entrySet()) {
                operations++;
                Operation operation = entry.getValue();
                String where = entry.getKey() + " " + path.getKey();
                if (operation.getOperationId() == null || !ids.add(operation.getOperationId())) {
                    problems.add(where + ": no unique operation id");
                }
                if (isBlank(operation.getSummary()) || isBlank(operation.getDescription())) {
                    problems.add(where + ": summary or description missing");
                }
                List<SecurityRequirement> security = operation.getSecurity();
                boolean open = operation.getOperationId() != null && OPEN.contains(operation.getOperationId());
                if (security == null || open != security.isEmpty()) {
                    problems.add(where + ": security " + security);
                }
                Map<String, ApiResponse> responses = operation.getResponses();
                // /ready's 503 is its own answer ({"health": "BAD"}), not an error.
                List<String> errors = "getReady".equals(operation.getOperationId())
                        ? List.of("500")
                        : open ? List.of("500", "503") : List.of("401", "500", "503");
                for (String status : errors) {
                    ApiResponse error = responses.get(status);
                    if (error == null || error.getContent() == null
                            || !"#/components/schemas/Error"
                                    .equals(error.getContent().get("application/json").getSchema().get$ref())) {
                        problems.add(where + ": no " + status + " with the error body");
                    }
                }
                if (responses.keySet().stream().noneMatch(status -> status.startsWith("2"))) {
                    problems.add(where + ": no success answer");
                }
            }
        }
        assertTrue(operations > 60, operations + " operations");
        assertEquals(List.of(), problems);
    }

    /**
     * Swagger UI sends what was given in "Authorize" on every operation that lists the scheme: all but the public ones,
     * and Edge's token issuing, whose HMAC signature is computed per request and cannot be given once.
     */
    @Test
    void oneAuthorizeWorksForEveryOperationThatNeedsCredentials() {
        OpenAPI api = new OpenAPIParser()
                .readContents(RestAssured.get("/q/openapi?format=json").then().extract().asString(),
                        null, new ParseOptions())
                .getOpenAPI();
        List<String> without = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            boolean headerScheme = operation.getSecurity() != null && operation.getSecurity().stream()
                    .anyMatch(
                            requirement -> requirement.containsKey("apiToken") || requirement.containsKey("signalToken")
                                    || requirement.containsKey("hmacSignature"));
            if (operation.getOperationId() != null && !OPEN.contains(operation.getOperationId()) && !headerScheme) {
                without.add(method + " " + path);
            }
        }));
        assertEquals(List.of(), without);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
