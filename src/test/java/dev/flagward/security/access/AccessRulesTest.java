package dev.flagward.security.access;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.Principal;
import dev.flagward.security.principal.RootRole;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.web.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The permission matrix of SPEC §4.7 for every kind of principal and every permission. */
class AccessRulesTest {

    private static ApiTokenPrincipal token(ApiTokenType type) {
        return new ApiTokenPrincipal("sel", "t", type, type == ApiTokenType.ADMIN ? "*" : "development", List.of("*"));
    }

    private static UserPrincipal user(RootRole role) {
        return new UserPrincipal(7, "u", role);
    }

    private static String refusal(Principal principal, Permission permission) {
        try {
            AccessDecision.requirePermission(principal, permission);
            return null;
        } catch (ApiException e) {
            return e.status() + " " + e.name();
        }
    }

    @Test
    void sdkTokensAreForbiddenEverywhere() {
        for (ApiTokenType type : List.of(ApiTokenType.CLIENT, ApiTokenType.BACKEND, ApiTokenType.FRONTEND)) {
            for (Permission permission : Permission.values()) {
                assertEquals("403 ForbiddenError", refusal(token(type), permission), type + " " + permission);
            }
        }
    }

    @Test
    void adminTokensMayDoEverythingButActAsAUser() {
        for (Permission permission : Permission.values()) {
            assertEquals(permission == Permission.SELF ? "403 ForbiddenError" : null,
                    refusal(token(ApiTokenType.ADMIN), permission), permission.name());
        }
    }

    @Test
    void rolesGrantWhatSpecSays() {
        for (Permission permission : Permission.values()) {
            assertEquals(null, refusal(user(RootRole.Admin), permission));
        }
        for (Permission permission : List.of(Permission.READ_API_TOKEN, Permission.CREATE_API_TOKEN,
                Permission.UPDATE_API_TOKEN, Permission.DELETE_API_TOKEN, Permission.READ, Permission.SELF)) {
            assertEquals(null, refusal(user(RootRole.Editor), permission), permission.name());
        }
        assertEquals("403 PermissionError", refusal(user(RootRole.Editor), Permission.ADMIN));
        for (Permission permission : List.of(Permission.ADMIN, Permission.READ_API_TOKEN, Permission.CREATE_API_TOKEN,
                Permission.UPDATE_API_TOKEN, Permission.DELETE_API_TOKEN)) {
            assertEquals("403 PermissionError", refusal(user(RootRole.Viewer), permission), permission.name());
        }
        assertDoesNotThrow(() -> AccessDecision.requirePermission(user(RootRole.Viewer), Permission.READ));
    }

    @Test
    void permissionErrorsNameThePermission() {
        ApiException e = assertThrows(ApiException.class,
                () -> AccessDecision.requirePermission(user(RootRole.Viewer), Permission.CREATE_API_TOKEN));
        assertEquals(List.of("CREATE_API_TOKEN"), e.extra().get("permissions"));
    }
}
