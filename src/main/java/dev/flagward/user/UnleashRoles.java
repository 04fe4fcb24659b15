package dev.flagward.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagward.security.principal.RootRole;

/** Unleash's ids of the root roles, 1 Admin, 2 Editor, 3 Viewer: responses carry them, requests may give them. */
final class UnleashRoles {

    private static final RootRole[] BY_ID = {null, RootRole.Admin, RootRole.Editor, RootRole.Viewer};

    private UnleashRoles() {
    }

    /** The role a request names (in any case) or gives by its Unleash id; null when it gives none or neither. */
    static RootRole parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            for (RootRole role : RootRole.values()) {
                if (role.name().equalsIgnoreCase(node.asText().trim())) {
                    return role;
                }
            }
            return null;
        }
        if (node.isInt() && node.asInt() > 0 && node.asInt() < BY_ID.length) {
            return BY_ID[node.asInt()];
        }
        return null;
    }

    static int id(String roleName) {
        RootRole role = RootRole.valueOf(roleName);
        for (int id = 1; id < BY_ID.length; id++) {
            if (BY_ID[id] == role) {
                return id;
            }
        }
        throw new IllegalStateException("A root role without an Unleash id: " + roleName);
    }
}
