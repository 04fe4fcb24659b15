package dev.flagward.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every endpoint of SPEC.md (and of the seed pages it names) is in /q/openapi with an operation id and a tag. The
 * list below is SPEC's, and the operations SPEC §5.9 announces as they are built (with Unleash's operation ids); when
 * SPEC.md is beside the project (../shared), the test also reads it and fails if SPEC names an endpoint the list lacks,
 * so the two cannot drift apart.
 */
@QuarkusTest
class OpenApiPathsTest {

    /** Method and path (parameter names as in the OpenAPI document) → the operation id Unleash uses. */
    private static final Map<String, String> SPEC_OPERATIONS = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /api/admin/api-tokens", "getAllApiTokens"),
            Map.entry("POST /api/admin/api-tokens", "createApiToken"),
            Map.entry("GET /api/admin/api-tokens/{name}", "getApiTokensByName"),
            Map.entry("PUT /api/admin/api-tokens/{token}", "updateApiToken"),
            Map.entry("DELETE /api/admin/api-tokens/{token}", "deleteApiToken"),
            Map.entry("POST /edge/validate", "getValidTokens"),
            Map.entry("GET /api/admin/user", ""),
            Map.entry("GET /api/admin/user/tokens", "getPats"),
            Map.entry("POST /api/admin/user/tokens", "createPat"),
            Map.entry("DELETE /api/admin/user/tokens/{id}", "deletePat"),
            Map.entry("GET /api/admin/user-admin", "getUsers"),
            Map.entry("POST /api/admin/user-admin", "createUser"),
            Map.entry("GET /api/admin/user-admin/{id}", "getUser"),
            Map.entry("PUT /api/admin/user-admin/{id}", "updateUser"),
            Map.entry("DELETE /api/admin/user-admin/{id}", "deleteUser"),
            Map.entry("POST /auth/simple/login", ""),
            Map.entry("POST /logout", ""),
            Map.entry("GET /api/admin/signal-endpoints", "getSignalEndpoints"),
            Map.entry("POST /api/admin/signal-endpoints", "createSignalEndpoint"),
            Map.entry("PUT /api/admin/signal-endpoints/{id}", ""),
            Map.entry("DELETE /api/admin/signal-endpoints/{id}", ""),
            Map.entry("POST /api/admin/signal-endpoints/{id}/on", ""),
            Map.entry("POST /api/admin/signal-endpoints/{id}/off", ""),
            Map.entry("GET /api/admin/signal-endpoints/{id}/tokens", ""),
            Map.entry("POST /api/admin/signal-endpoints/{id}/tokens", "addSignalEndpointToken"),
            Map.entry("PUT /api/admin/signal-endpoints/{id}/tokens/{id}", "updateSignalEndpointToken"),
            Map.entry("DELETE /api/admin/signal-endpoints/{id}/tokens/{id}", ""),
            Map.entry("GET /api/admin/signal-endpoints/{id}/signals", ""),
            Map.entry("POST /api/admin/signal-endpoints/{id}/signing-secret", ""),
            Map.entry("DELETE /api/admin/signal-endpoints/{id}/signing-secret", ""),
            Map.entry("POST /api/signal-endpoint/{name}", "callSignalEndpoint"),
            Map.entry("GET /api/admin/signals", "getSignalsByQuery"),
            Map.entry("GET /api/admin/signals/stream", ""),
            Map.entry("GET /api/admin/license", ""),
            Map.entry("POST /api/admin/license", ""),
            Map.entry("GET /api/admin/license/check", ""),
            Map.entry("GET /api/admin/instance-admin/statistics", "getInstanceAdminStats"),
            Map.entry("GET /api/admin/instance-admin/statistics/csv", "getInstanceAdminStatsCsv"),
            Map.entry("GET /api/admin/instance-admin/statistics/key", ""),
            Map.entry("GET /api/admin/invoices", ""),
            Map.entry("GET /api/admin/invoices/list", ""),
            Map.entry("GET /api/admin/logins", ""),
            Map.entry("GET /api/admin/events", ""),
            Map.entry("GET /api/admin/projects", ""),
            Map.entry("POST /api/admin/projects", ""),
            Map.entry("DELETE /api/admin/projects/{id}", ""),
            // Issue 21 (SPEC §5.9): Unleash's operations in these areas, with Unleash's operation ids.
            Map.entry("GET /api/admin/projects/{projectId}/api-tokens", "getProjectApiTokens"),
            Map.entry("POST /api/admin/projects/{projectId}/api-tokens", "createProjectApiToken"),
            Map.entry("DELETE /api/admin/projects/{projectId}/api-tokens/{token}", "deleteProjectApiToken"),
            Map.entry("POST /edge/issue-token", "edgeCreateOrReturnTokens"),
            Map.entry("GET /api/admin/user/profile", "getProfile"),
            Map.entry("GET /api/admin/user/roles", "getUserRoles"),
            Map.entry("GET /api/admin/user-admin/access", "getBaseUsersAndGroups"),
            Map.entry("GET /api/admin/environments", ""),
            Map.entry("POST /api/admin/environments", ""),
            Map.entry("POST /api/admin/user-admin/reset-password", "resetUserPassword"),
            Map.entry("GET /auth/reset/validate", "validateToken"),
            Map.entry("POST /auth/reset/password", "changePassword"),
            Map.entry("POST /auth/reset/validate-password", "validatePassword"),
            Map.entry("POST /auth/reset/password-email", "sendResetPasswordEmail"),
            Map.entry("GET /api/admin/invite-link/tokens", "getAllPublicSignupTokens"),
            Map.entry("POST /api/admin/invite-link/tokens", "createPublicSignupToken"),
            Map.entry("GET /api/admin/invite-link/tokens/{token}", "getPublicSignupToken"),
            Map.entry("PUT /api/admin/invite-link/tokens/{token}", "updatePublicSignupToken"),
            Map.entry("GET /invite/{token}/validate", "validatePublicSignupToken"),
            Map.entry("POST /invite/{token}/signup", "addPublicSignupTokenUser"),
            Map.entry("GET /health", ""),
            Map.entry("GET /ready", "")));

    private static final Pattern SPEC_ENDPOINT = Pattern.compile(
            "((?:GET|POST|PUT|DELETE|PATCH)(?:/(?:GET|POST|PUT|DELETE|PATCH))*) `?(/[A-Za-z0-9/_{}.:-]+)");

    /** Path parameters compared by position, not name ({id} = {signalEndpointId}). */
    private static String normalized(String endpoint) {
        return endpoint.replaceAll("\\{[^}]+}", "{}");
    }

    private static Map<String, JsonNode> documented() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        Map<String, JsonNode> operations = new TreeMap<>();
        doc.get("paths").fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> operations
                        .put(normalized(method.getKey().toUpperCase() + " " + path.getKey()), method.getValue())));
        return operations;
    }

    @Test
    void everySpecEndpointIsDocumentedWithItsOperationIdAndATag() throws Exception {
        Map<String, JsonNode> documented = documented();
        List<String> missing = new ArrayList<>();
        SPEC_OPERATIONS.forEach((endpoint, operationId) -> {
            JsonNode operation = documented.get(normalized(endpoint));
            if (operation == null) {
                missing.add(endpoint);
            } else {
                assertTrue(operation.path("tags").size() > 0, endpoint + " has a tag");
                assertTrue(operation.path("operationId").isTextual(), endpoint + " has an operation id");
                if (!operationId.isEmpty()) {
                    assertEquals(operationId, operation.get("operationId").asText(), endpoint);
                }
            }
        });
        assertTrue(missing.isEmpty(), "missing from /q/openapi: " + missing);
    }

    /** Generated clients take the success code from the document: creations are documented as they answer, 201. */
    @Test
    void creationsAreDocumentedAs201() throws Exception {
        Map<String, JsonNode> documented = documented();
        for (String endpoint : List.of("POST /api/admin/api-tokens", "POST /api/admin/user/tokens",
                "POST /api/admin/user-admin",
                "POST /api/admin/projects", "POST /api/admin/environments", "POST /api/admin/license",
                "POST /api/admin/signal-endpoints", "POST /api/admin/signal-endpoints/{id}/tokens",
                "POST /api/admin/api-tokens/{token}/rotate", "POST /api/admin/user/tokens/{id}/rotate",
                "POST /api/admin/invite-link/tokens", "POST /invite/{token}/signup",
                "POST /api/admin/projects/{projectId}/api-tokens")) {
            JsonNode responses = documented.get(normalized(endpoint)).get("responses");
            assertTrue(responses.has("201"), endpoint + " documents 201: " + responses);
            assertTrue(!responses.has("200"), endpoint + " does not document 200: " + responses);
        }
    }

    @Test
    void everyOperationHasAUniqueOperationId() throws Exception {
        Set<String> seen = new HashSet<>();
        List<String> without = new ArrayList<>();
        documented().forEach((endpoint, operation) -> {
            if (endpoint.contains("/api/test-only/")) {
                return; // a resource of the test sources, not of the service
            }
            if (!operation.path("operationId").isTextual()) {
                without.add(endpoint);
            } else {
                assertTrue(seen.add(operation.get("operationId").asText()), "twice: " + operation.get("operationId"));
            }
        });
        assertTrue(without.isEmpty(), "no operation id: " + without);
    }

    @Test
    void theListIsSpecs() throws Exception {
        Path spec = Path.of("..", "shared", "SPEC.md");
        Assumptions.assumeTrue(Files.exists(spec), "SPEC.md is not beside the project (../shared)");
        Set<String> listed = new HashSet<>();
        SPEC_OPERATIONS.keySet().forEach(endpoint -> listed.add(normalized(endpoint)));
        Matcher m = SPEC_ENDPOINT.matcher(Files.readString(spec));
        List<String> unlisted = new ArrayList<>();
        int found = 0;
        while (m.find()) {
            for (String method : m.group(1).split("/")) {
                found++;
                String endpoint = normalized(method + " " + m.group(2));
                if (!listed.contains(endpoint)) {
                    unlisted.add(endpoint);
                }
            }
        }
        assertTrue(found > 30, "read " + found + " endpoints from SPEC.md");
        assertTrue(unlisted.isEmpty(), "SPEC.md names endpoints this test does not check: " + unlisted);
    }
}
