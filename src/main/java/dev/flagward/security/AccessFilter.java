package dev.flagward.security;

import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every access decision for a matched request, before its body is read, in the order of SPEC §2: authentication
 * (401), permission (403), then the license: enterprise features need a valid one, and past an expired license's
 * grace period the admin API takes no writes but revocations (403 LicenseError). All of it comes from the matched
 * method's {@link AccessRule}, never from the raw path.
 * <p>
 * SDK tokens (client, backend, frontend) never pass on the admin API; admin tokens pass everything except
 * endpoints for users themselves; users pass when their root role grants the permission.
 */
public class AccessFilter {

    private static final Logger LOG = Logger.getLogger(AccessFilter.class);
    private static final Uni<Void> CONTINUE = Uni.createFrom().voidItem();

    private final Authenticator authenticator;
    private final Caller caller;
    private final Instance<LicenseState> license;
    private final Map<Method, AccessRule> rules = new ConcurrentHashMap<>();

    public AccessFilter(Authenticator authenticator, Caller caller, Instance<LicenseState> license) {
        this.authenticator = authenticator;
        this.caller = caller;
        this.license = license;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authorize(ResourceInfo resource, HttpServerRequest request) {
        String address = addressOf(request);
        Method method = resource.getResourceMethod();
        if (method == null) {
            caller.setAddress(address);
            return CONTINUE; // nothing matched: the framework answers 404
        }
        AccessRule rule = rules.computeIfAbsent(method, AccessFilter::ruleOf);
        if (!rule.declared()) {
            throw ApiException.operationDenied("This endpoint declares no access rule and is refused.");
        }
        if (rule.open()) {
            caller.setAddress(address);
            checkLicense(rule);
            return CONTINUE;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        Uni<Principal> authenticated;
        if (rule.kind() != null) {
            authenticated = authenticator.authenticateAs(rule.kind(), header);
        } else {
            Cookie session = request.getCookie(Authenticator.SESSION_COOKIE);
            authenticated = authenticator.authenticate(header, session == null ? null : session.getValue());
        }
        return authenticated.invoke(principal -> {
            if (rule.adminApi()) {
                check(principal, rule.permission());
            }
            checkLicense(rule);
            caller.set(principal, address);
        }).replaceWithVoid();
    }

    private static AccessRule ruleOf(Method method) {
        AccessRule rule = AccessRule.of(method);
        if (!rule.declared()) {
            LOG.errorf("%s.%s declares none of @Access, @AuthenticatedBy and @Public, or more than one: every call to it is refused",
                    method.getDeclaringClass().getSimpleName(), method.getName());
        }
        return rule;
    }

    static void check(Principal principal, Permission needed) {
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

    private void checkLicense(AccessRule rule) {
        boolean readOnlyApplies = rule.adminApi() && rule.write() && !rule.revocation();
        if ((!rule.enterprise() && !readOnlyApplies) || !license.isResolvable()) {
            return;
        }
        LicenseState state = license.get();
        // Read-only mode is read-only for enterprise features too: their reads and revocations still work.
        boolean readAllowed = state.readOnly() && (!rule.write() || rule.revocation());
        if (rule.enterprise() && !state.enterpriseEnabled() && !readAllowed) {
            throw ApiException.license("This is an enterprise feature: install a valid license to use it.");
        }
        if (readOnlyApplies && state.readOnly()) {
            throw ApiException.license("The license has expired and its grace period is over: the admin API is read-only. "
                    + "Install a new license; revoking credentials still works.");
        }
    }

    private static String addressOf(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }
}
