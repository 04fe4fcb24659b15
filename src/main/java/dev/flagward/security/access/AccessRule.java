package dev.flagward.security.access;

import dev.flagward.security.principal.Permission;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Everything an access decision needs, read once from the matched resource method and its class, never from the
 * request path: a path spelled another way (duplicate slashes, dot segments, percent-encoding) that reaches the
 * same method is judged the same, and one that reaches no method is not routed at all.
 *
 * @param declared   exactly one of {@link Access}, {@link AuthenticatedBy} and {@link Public} applies; a method
 *                   without a rule is refused
 * @param permission what the caller needs on the admin API, or null for the others
 * @param kind       the credential kind an {@link AuthenticatedBy} method takes, or null
 * @param enterprise {@link Enterprise}: needs a valid license
 * @param write      the method's HTTP designator is not GET, HEAD or OPTIONS
 * @param revocation {@link Revocation}: a write that read-only mode still allows
 * @param live       the answer goes on after the request (it produces Server-Sent Events): its access is watched for
 *                   as long as it runs ({@link LiveAccess}), and read-only mode does not allow it, because it delivers
 *                   what is new rather than reading what is stored
 */
public record AccessRule(boolean declared, Permission permission, String kind, boolean enterprise, boolean write,
        boolean revocation, boolean live) {

    private static final Set<String> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    public static AccessRule of(Method method) {
        Access access = method.getAnnotation(Access.class);
        AuthenticatedBy token = method.getAnnotation(AuthenticatedBy.class);
        Public open = method.getAnnotation(Public.class);
        if (access == null && token == null && open == null) {
            Class<?> type = method.getDeclaringClass();
            access = type.getAnnotation(Access.class);
            token = type.getAnnotation(AuthenticatedBy.class);
            open = type.getAnnotation(Public.class);
        }
        int rules = (access == null ? 0 : 1) + (token == null ? 0 : 1) + (open == null ? 0 : 1);
        boolean enterprise = method.isAnnotationPresent(Enterprise.class)
                || method.getDeclaringClass().isAnnotationPresent(Enterprise.class);
        return new AccessRule(rules == 1, access == null ? null : access.value(), token == null ? null : token.value(),
                enterprise, isWrite(method), method.isAnnotationPresent(Revocation.class), isLive(method));
    }

    /** Methods of the admin API: those that need a permission. Their writes stop in read-only mode. */
    public boolean adminApi() {
        return permission != null;
    }

    /** Methods anyone may call. */
    public boolean open() {
        return permission == null && kind == null;
    }

    private static boolean isLive(Method method) {
        Produces produces = method.getAnnotation(Produces.class);
        if (produces == null) {
            produces = method.getDeclaringClass().getAnnotation(Produces.class);
        }
        return produces != null && Arrays.stream(produces.value())
                .anyMatch(type -> type.toLowerCase(Locale.ROOT).startsWith(MediaType.SERVER_SENT_EVENTS));
    }

    private static boolean isWrite(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod designator = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (designator != null) {
                return !READS.contains(designator.value());
            }
        }
        return true; // a sub-resource locator or something unforeseen: judged as a write (fail closed)
    }
}
