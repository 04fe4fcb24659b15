package dev.flagward.security;

import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication and permission for every matched request, before its body is read. SDK tokens (client, backend,
 * frontend) never pass on the admin API; admin tokens pass everything except endpoints for users themselves;
 * users pass when their root role grants the permission.
 */
public class AccessFilter {

    private static final Uni<Void> CONTINUE = Uni.createFrom().voidItem();

    private final Authenticator authenticator;
    private final Caller caller;
    private final Map<Method, Optional<Permission>> declared = new ConcurrentHashMap<>();

    public AccessFilter(Authenticator authenticator, Caller caller) {
        this.authenticator = authenticator;
        this.caller = caller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authorize(ResourceInfo resource, HttpServerRequest request) {
        Permission needed = permissionFor(resource, request.path());
        String address = addressOf(request);
        if (needed == null) {
            caller.setAddress(address);
            return CONTINUE;
        }
        io.vertx.core.http.Cookie session = request.getCookie(Authenticator.SESSION_COOKIE);
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION),
                session == null ? null : session.getValue()).invoke(principal -> {
            check(principal, needed);
            caller.set(principal, address);
        }).replaceWithVoid();
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
        }
    }

    private Permission permissionFor(ResourceInfo resource, String path) {
        Method method = resource.getResourceMethod();
        Optional<Permission> permission = method == null ? Optional.empty() : declared.computeIfAbsent(method, m -> {
            Access access = m.getAnnotation(Access.class);
            if (access == null) {
                access = m.getDeclaringClass().getAnnotation(Access.class);
            }
            return Optional.ofNullable(access).map(Access::value);
        });
        if (permission.isPresent()) {
            return permission.get();
        }
        return path.startsWith("/api/admin") ? Permission.ADMIN : null;
    }

    private static String addressOf(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }
}
