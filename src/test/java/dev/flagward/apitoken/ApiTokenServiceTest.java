package dev.flagward.apitoken;

import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.createSecret;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.iso;
import static dev.flagward.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.audit.Actor;
import dev.flagward.security.principal.RootRole;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.support.Db;
import dev.flagward.web.ApiException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/** Rules that depend on who asks, exercised through the service with each kind of principal. */
@QuarkusTest
class ApiTokenServiceTest {

    private static final UserPrincipal EDITOR = new UserPrincipal(9001, "editor", RootRole.Editor);
    private static final UserPrincipal ADMIN_USER = new UserPrincipal(9002, "boss", RootRole.Admin);

    @Inject
    ApiTokenService service;
    @Inject
    Pool pool;

    /** Hibernate Reactive needs a Vert.x context; tests run on JUnit's thread. */
    private static <T> T onVertx(Supplier<Uni<T>> call) {
        try {
            return VertxContextSupport.subscribeAndAwait(call);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private String adminTokenId() {
        return Db.rows(pool, "select selector from api_tokens where type = 'admin'").get(0).getString(0);
    }

    @Test
    void editorsDoNotSeeAdminTokens() {
        createSecret(Map.of());
        var editorView = service.list(EDITOR);
        assertFalse(editorView.isEmpty());
        assertTrue(editorView.stream().noneMatch(t -> t.type().equals("admin")));
        assertTrue(service.list(ADMIN_USER).stream().anyMatch(t -> t.type().equals("admin")));
        assertTrue(service.listByName("admin", EDITOR).isEmpty());
    }

    @Test
    void editorsCannotChangeOrDeleteAdminTokens() {
        String id = adminTokenId();
        ApiException update = assertThrows(ApiException.class, () -> onVertx(() -> service.updateExpiry(id,
                Instant.now().minusSeconds(5), new Actor("editor", 9001L, null), EDITOR)));
        assertEquals("PermissionError", update.name());
        ApiException delete = assertThrows(ApiException.class,
                () -> onVertx(() -> service.delete(id, new Actor("editor", 9001L, null), EDITOR)));
        assertEquals("PermissionError", delete.name());
        assertEquals(1, Db.count(pool, "select count(*) from api_tokens where type = 'admin' and expires_at is null"));
    }

    @Test
    void expiredCredentialsAre401BeforeAnyPermissionCheck() {
        String secret = createSecret(Map.of());
        json(ADMIN, Map.of("expiresAt", iso(Instant.now().minusSeconds(1))))
                .put("/api/admin/api-tokens/{token}", secret).then().statusCode(200);
        error(as(secret).get("/api/admin/api-tokens").then(), 401, "UnauthorizedError")
                .body("message", Matchers.containsString("expired"));
    }
}
