package dev.flagward.security.access;

import dev.flagward.security.authentication.Authenticator;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
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
    private final AccessDecision decision;
    private final Map<Method, AccessRule> rules = new ConcurrentHashMap<>();

    public AccessFilter(Authenticator authenticator, Caller caller, AccessDecision decision) {
        this.authenticator = authenticator;
        this.caller = caller;
        this.decision = decision;
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
            decision.requireLicense(rule);
            return CONTINUE;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        Uni<StoredCredential> authenticated;
        if (rule.kind() != null) {
            authenticated = authenticator.authenticateAs(rule.kind(), header);
        } else {
            Cookie session = request.getCookie(Authenticator.SESSION_COOKIE);
            authenticated = authenticator.authenticate(header, session == null ? null : session.getValue());
        }
        return authenticated.invoke(credential -> {
            decision.require(rule, credential.principal());
            caller.set(credential, rule, address);
        }).replaceWithVoid();
    }

    private static AccessRule ruleOf(Method method) {
        AccessRule rule = AccessRule.of(method);
        if (!rule.declared()) {
            LOG.errorf(
                    "%s.%s declares none of @Access, @AuthenticatedBy and @Public, or more than one: every call to it is refused",
                    method.getDeclaringClass().getSimpleName(), method.getName());
        }
        return rule;
    }

    private static String addressOf(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }
}
