package dev.flagward.security;

import dev.flagward.web.ApiException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * License rules on the admin API, after authentication and permission: enterprise features need a valid license,
 * and once an expired license is past its grace period every write is refused except revocations.
 */
public class LicenseGate {

    private final Instance<LicenseState> license;
    /** What a resource method is marked with; annotations are read once, not on every request. */
    private record Marks(boolean enterprise, boolean revocation) {
        static Marks of(Method m) {
            return new Marks(m.isAnnotationPresent(Enterprise.class) || m.getDeclaringClass().isAnnotationPresent(Enterprise.class),
                    m.isAnnotationPresent(Revocation.class));
        }
    }

    private final Map<Method, Marks> marks = new ConcurrentHashMap<>();

    public LicenseGate(Instance<LicenseState> license) {
        this.license = license;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 10)
    public void check(ResourceInfo resource, HttpServerRequest request) {
        Method method = resource.getResourceMethod();
        if (method == null || !license.isResolvable()) {
            return;
        }
        Marks mark = marks.computeIfAbsent(method, Marks::of);
        boolean enterprise = mark.enterprise();
        String verb = request.method().name();
        boolean write = !verb.equals("GET") && !verb.equals("HEAD") && !verb.equals("OPTIONS");
        if (!enterprise && (!write || mark.revocation())) {
            return;
        }
        LicenseState state = license.get();
        if (enterprise && !state.enterpriseEnabled()) {
            throw ApiException.license("This is an enterprise feature: install a valid license to use it.");
        }
        if (write && !mark.revocation() && request.path().startsWith("/api/admin") && state.readOnly()) {
            throw ApiException.license("The license has expired and its grace period is over: the admin API is read-only. "
                    + "Install a new license; revoking credentials still works.");
        }
    }
}
