package dev.flagward.web;

import static dev.flagward.support.Api.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.client.ApiClient;
import dev.flagward.client.ApiException;
import dev.flagward.client.api.ApiTokensApi;
import dev.flagward.client.api.AuthApi;
import dev.flagward.client.api.EdgeApi;
import dev.flagward.client.api.InstanceAdminApi;
import dev.flagward.client.api.PersonalAccessTokensApi;
import dev.flagward.client.api.SignalsApi;
import dev.flagward.client.api.UsersApi;
import dev.flagward.client.model.ApiTokenView;
import dev.flagward.client.model.CreateApiTokenRequest;
import dev.flagward.client.model.CreatePatRequest;
import dev.flagward.client.model.CreateUserRequest;
import dev.flagward.client.model.CreatedPat;
import dev.flagward.client.model.CreatedSignalEndpointToken;
import dev.flagward.client.model.LicenseView;
import dev.flagward.client.model.LoginRequest;
import dev.flagward.client.model.RotationRequest;
import dev.flagward.client.model.SignalEndpointRequest;
import dev.flagward.client.model.SignalEndpointTokenRequest;
import dev.flagward.client.model.SignalEndpointView;
import dev.flagward.client.model.UpdateApiTokenRequest;
import dev.flagward.client.model.UpdateLicenseRequest;
import dev.flagward.client.model.UpdateUserRequest;
import dev.flagward.client.model.UserView;
import dev.flagward.client.model.ValidateRequest;
import dev.flagward.license.LicenseService;
import dev.flagward.support.Licenses;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.CookieManager;
import java.net.http.HttpClient;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A typed client generated at build time from the committed contract (openapi-generator, Java native with Jackson, as
 * an API consumer generates one) runs the token, PAT, user, license and signal lifecycles against the service: it
 * must be able to read every answer, the created secrets and lists with null fields included.
 */
@QuarkusTest
class GeneratedClientTest {

    /** Operations the lifecycles below call through the generated client (reported, and checked to be many). */
    private static final Set<String> CALLED = new TreeSet<>();

    @Inject
    Pool pool;
    @Inject
    LicenseService license;

    @AfterEach
    void report() {
        System.out.println(
                "GeneratedClientTest: " + CALLED.size() + " operations called through the generated client: " + CALLED);
    }

    private static ApiClient client(String authorization) {
        ApiClient client = new ApiClient(HttpClient.newBuilder().cookieHandler(new CookieManager()),
                ApiClient.createDefaultObjectMapper(), "http://localhost:" + RestAssured.port);
        if (authorization != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", authorization));
        }
        return client;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void apiTokenLifecycle() throws Exception {
        ApiTokensApi tokens = new ApiTokensApi(client(ADMIN));
        String name = unique("gen");
        ApiTokenView created = tokens.createApiToken(new CreateApiTokenRequest().tokenName(name).type("backend"));
        CALLED.add("createApiToken");
        assertTrue(created.getSecret().contains("v2_"), "the secret, once");
        assertNull(created.getExpiresAt());
        assertNull(created.getSeenAt());
        List<ApiTokenView> listed = tokens.getAllApiTokens(null).getTokens();
        CALLED.add("getAllApiTokens");
        ApiTokenView mine = listed.stream().filter(token -> name.equals(token.getTokenName())).findFirst()
                .orElseThrow();
        assertTrue(!mine.getSecret().equals(created.getSecret()), "a listing never shows the secret");
        assertEquals(1, tokens.getApiTokensByName(name).getTokens().size());
        CALLED.add("getApiTokensByName");

        EdgeApi edge = new EdgeApi(client(null));
        assertEquals(1, edge.getValidTokens(new ValidateRequest().tokens(List.of(created.getSecret())), null)
                .getTokens().size());
        CALLED.add("getValidTokens");

        ApiTokenView rotated = tokens.rotateApiToken(created.getSecret(), new RotationRequest()
                .oldExpiresAt(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
        CALLED.add("rotateApiToken");
        assertNotNull(rotated.getReplaces());
        tokens.updateApiToken(rotated.getSecret(),
                new UpdateApiTokenRequest().expiresAt(OffsetDateTime.now(ZoneOffset.UTC).plusDays(2)));
        CALLED.add("updateApiToken");
        tokens.deleteApiToken(rotated.getSecret());
        tokens.deleteApiToken(created.getSecret());
        CALLED.add("deleteApiToken");
        assertEquals(0, tokens.getApiTokensByName(name).getTokens().size());

        ApiException refused = assertThrows(ApiException.class,
                () -> new ApiTokensApi(client("*:*.not-a-token")).getAllApiTokens(null));
        assertEquals(401, refused.getCode());
        assertTrue(refused.getResponseBody().contains("UnauthorizedError"));
    }

    @Test
    void userSessionAndPersonalAccessTokenLifecycle() throws Exception {
        UsersApi admin = new UsersApi(client(ADMIN));
        String username = unique("gen");
        UserView user = admin.createUser(new CreateUserRequest().username(username).password("a-Long-password-1!")
                .rootRole("Editor"));
        CALLED.add("createUser");
        assertNull(user.getEmail());
        assertEquals(username, admin.getUser(String.valueOf(user.getId())).getUsername());
        CALLED.add("getUser");
        assertTrue(admin.getUsers(null).getUsers().stream().anyMatch(listed -> listed.getId().equals(user.getId())));
        CALLED.add("getUsers");
        admin.updateUser(String.valueOf(user.getId()), new UpdateUserRequest().name("Generated"));
        CALLED.add("updateUser");

        ApiClient session = client(null);
        new AuthApi(session).login(new LoginRequest().username(username).password("a-Long-password-1!"));
        CALLED.add("login");
        assertEquals(username, new UsersApi(session).getMe().getUser().getUsername());
        CALLED.add("getMe");
        PersonalAccessTokensApi pats = new PersonalAccessTokensApi(session);
        CreatedPat pat = pats.createPat(new CreatePatRequest().description("generated")
                .expiresAt(OffsetDateTime.now(ZoneOffset.UTC).plusDays(1)));
        CALLED.add("createPat");
        assertTrue(pat.getSecret().startsWith("user:"));
        assertNull(pat.getSeenAt());
        PersonalAccessTokensApi byPat = new PersonalAccessTokensApi(client(pat.getSecret()));
        assertEquals(1, byPat.getPats(null).getPats().size());
        CALLED.add("getPats");
        CreatedPat rotated = byPat.rotatePat(String.valueOf(pat.getId()), null);
        CALLED.add("rotatePat");
        new PersonalAccessTokensApi(client(rotated.getSecret())).deletePat(String.valueOf(rotated.getId()));
        CALLED.add("deletePat");
        new AuthApi(session).logout(null);
        CALLED.add("logout");
        admin.deleteUser(String.valueOf(user.getId()));
        CALLED.add("deleteUser");
        assertEquals(404,
                assertThrows(ApiException.class, () -> admin.getUser(String.valueOf(user.getId()))).getCode());
    }

    @Test
    void licenseAndSignalLifecycle() throws Exception {
        Licenses.remove(pool, license);
        InstanceAdminApi instance = new InstanceAdminApi(client(ADMIN));
        assertEquals(Boolean.FALSE, instance.getLicense().getIsValid());
        CALLED.add("getLicense");
        LicenseView installed = instance
                .updateLicense(new UpdateLicenseRequest().token(Licenses.rs256(Licenses.generous())));
        CALLED.add("updateLicense");
        assertEquals(Boolean.TRUE, installed.getIsValid());
        assertEquals("Test Corp", installed.getCustomer());
        assertNotNull(instance.validateLicense().getMessageType());
        CALLED.add("validateLicense");
        assertTrue(instance.getInstanceAdminStats().getSignature().split("\\.").length == 3);
        CALLED.add("getInstanceAdminStats");

        SignalsApi signals = new SignalsApi(client(ADMIN));
        String name = unique("gen").toLowerCase();
        SignalEndpointView endpoint = signals.createSignalEndpoint(new SignalEndpointRequest().name(name));
        CALLED.add("createSignalEndpoint");
        assertNull(endpoint.getDescription());
        String id = String.valueOf(endpoint.getId());
        CreatedSignalEndpointToken token = signals.addSignalEndpointToken(id,
                new SignalEndpointTokenRequest().name("sender"));
        CALLED.add("addSignalEndpointToken");
        long signal = new SignalsApi(client("Bearer " + token.getToken()))
                .callSignalEndpoint(name, null, null, null, null, null, null, Map.of("alert", "cpu")).getId();
        CALLED.add("callSignalEndpoint");
        assertEquals(signal,
                signals.getSignalEndpointSignals(id, null, null).getSignalEndpointSignals().get(0).getId());
        CALLED.add("getSignalEndpointSignals");
        assertTrue(signals.getSignalsByQuery(null, null, null, null).getTotal() >= 1);
        CALLED.add("getSignalsByQuery");
        assertEquals(1, signals.getSignalEndpointTokens(id).getSignalEndpointTokens().size());
        CALLED.add("getSignalEndpointTokens");
        signals.disableSignalEndpoint(id);
        CALLED.add("disableSignalEndpoint");
        signals.deleteSignalEndpoint(id);
        CALLED.add("deleteSignalEndpoint");
        Licenses.remove(pool, license);
    }
}
