package dev.flagward.security.principal;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an endpoint needs. Admin tokens and Admin users have every permission; the names are Unleash's and are
 * reported in PermissionError bodies.
 */
public enum Permission {

    /** Instance administration: users, projects, environments, events. */
    ADMIN(EnumSet.of(RootRole.Admin)), READ_API_TOKEN(EnumSet.of(RootRole.Admin, RootRole.Editor)), CREATE_API_TOKEN(
            EnumSet.of(RootRole.Admin, RootRole.Editor)), UPDATE_API_TOKEN(
                    EnumSet.of(RootRole.Admin, RootRole.Editor)), DELETE_API_TOKEN(
                            EnumSet.of(RootRole.Admin, RootRole.Editor)),
    /** A project's API tokens ({@code /api/admin/projects/{projectId}/api-tokens}): Unleash grants these to Editors on every project. */
    READ_PROJECT_API_TOKEN(EnumSet.of(RootRole.Admin, RootRole.Editor)), CREATE_PROJECT_API_TOKEN(
            EnumSet.of(RootRole.Admin, RootRole.Editor)), DELETE_PROJECT_API_TOKEN(
                    EnumSet.of(RootRole.Admin, RootRole.Editor)),
    /** Any signed-in user or admin token may read (projects, environments). */
    READ(EnumSet.allOf(RootRole.class)),
    /** Only a user acting for themselves (PATs, own profile); admin tokens are refused with ForbiddenError. */
    SELF(EnumSet.allOf(RootRole.class));

    private final Set<RootRole> roles;

    Permission(Set<RootRole> roles) {
        this.roles = roles;
    }

    public boolean grantedTo(RootRole role) {
        return roles.contains(role);
    }
}
