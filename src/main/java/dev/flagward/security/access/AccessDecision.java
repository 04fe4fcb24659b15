package dev.flagward.security.access;

import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.Principal;
import dev.flagward.security.principal.ScopedTokenPrincipal;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.web.ApiException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The decision an {@link AccessRule} asks for, once a caller is known: permission (403), then the license. The access
 * filter takes it for every request, and {@link LiveAccess} takes it again, with what the credential is now, for as
 * long as a streamed answer runs: one rule, whether the question is asked once or every moment.
 */
@Singleton
public class AccessDecision {

    @Inject
    Instance<LicenseState> license;

    /** Fails with the error a request would get when this principal may not do what the rule guards. */
    public void require(AccessRule rule, Principal principal) {
        if (rule.adminApi()) {
            requirePermission(principal, rule.permission());
        }
        requireLicense(rule);
    }

    static void requirePermission(Principal principal, Permission needed) {
        if (principal instanceof ApiTokenPrincipal token) {
            if (token.type().isSdk()) {
                throw ApiException.forbidden("A " + token.type().wireName()
                        + " API token cannot use the admin API. Use an admin token or a personal access token.");
            }
            if (needed == Permission.SELF) {
                throw ApiException.forbidden("This endpoint acts for a user: use a personal access token or sign in.");
            }
        } else if (principal instanceof UserPrincipal user && !needed.grantedTo(user.rootRole())) {
            throw ApiException.permission(needed.name());
        } else if (principal instanceof ScopedTokenPrincipal) {
            throw ApiException.forbidden("This token works only on its own endpoint, not on the admin API.");
        }
    }

    /** Enterprise features need a license in force; past its grace period the admin API takes no writes but revocations. */
    public void requireLicense(AccessRule rule) {
        boolean readOnlyApplies = rule.adminApi() && (rule.write() || rule.live()) && !rule.revocation();
        if ((!rule.enterprise() && !readOnlyApplies) || !license.isResolvable()) {
            return;
        }
        LicenseState state = license.get();
        // Read-only mode is read-only for enterprise features too: their reads and revocations still work. A live
        // answer is not a read of what is stored: it needs the license in force.
        boolean readAllowed = state.readOnly() && !rule.live() && (!rule.write() || rule.revocation());
        if (rule.enterprise() && !state.enterpriseEnabled() && !readAllowed) {
            throw ApiException.license("This is an enterprise feature: install a valid license to use it.");
        }
        if (readOnlyApplies && state.readOnly()) {
            throw ApiException
                    .license("The license has expired and its grace period is over: the admin API is read-only. "
                            + "Install a new license; revoking credentials still works.");
        }
    }
}
