package dev.flagward.security.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.principal.Permission;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every resource method of the application declares its access rule (a method without one is refused at run time,
 * so this is what keeps a new endpoint from shipping unreachable), and the rule reads what the method says.
 */
class AccessRuleCoverageTest {

    @Test
    void everyResourceMethodDeclaresExactlyOneRule() throws Exception {
        java.nio.file.Path classes = Paths.get("target", "classes");
        List<String> missing = new ArrayList<>();
        int methods = 0;
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                for (Method method : type.getDeclaredMethods()) {
                    if (isResourceMethod(method)) {
                        methods++;
                        if (!AccessRule.of(method).declared()) {
                            missing.add(type.getSimpleName() + "." + method.getName());
                        }
                    }
                }
            }
        }
        assertTrue(methods > 20, "found only " + methods + " resource methods");
        assertTrue(missing.isEmpty(), "resource methods without an access rule: " + missing);
    }

    private static boolean isResourceMethod(Method method) {
        if (method.isAnnotationPresent(Path.class)) {
            return true;
        }
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return false;
    }

    static class Sample {

        @jakarta.ws.rs.GET
        @Access(Permission.ADMIN)
        public void read() {
        }

        @jakarta.ws.rs.DELETE
        @Access(Permission.ADMIN)
        @Revocation
        public void revoke() {
        }

        @jakarta.ws.rs.POST
        @Public
        @Enterprise
        public void open() {
        }

        @jakarta.ws.rs.PUT
        public void forgotten() {
        }

        @jakarta.ws.rs.POST
        @AuthenticatedBy("signal")
        public void inbound() {
        }

        @jakarta.ws.rs.PATCH
        @Public
        @Access(Permission.READ)
        public void confused() {
        }

        @jakarta.ws.rs.GET
        @jakarta.ws.rs.Produces(MediaType.SERVER_SENT_EVENTS)
        @Access(Permission.ADMIN)
        @Enterprise
        public void stream() {
        }
    }

    @Access(Permission.SELF)
    static class ClassLevel {

        @jakarta.ws.rs.GET
        public void inherited() {
        }

        @jakarta.ws.rs.POST
        @Public
        public void overridden() {
        }
    }

    @Test
    void rulesComeFromTheAnnotations() throws Exception {
        AccessRule read = AccessRule.of(Sample.class.getMethod("read"));
        assertEquals(new AccessRule(true, Permission.ADMIN, null, false, false, false, false), read);
        assertEquals(new AccessRule(true, Permission.ADMIN, null, false, true, true, false),
                AccessRule.of(Sample.class.getMethod("revoke")));
        AccessRule open = AccessRule.of(Sample.class.getMethod("open"));
        assertTrue(open.declared() && open.enterprise() && open.write() && !open.adminApi() && open.open());
        AccessRule token = AccessRule.of(Sample.class.getMethod("inbound"));
        assertTrue(token.declared() && !token.adminApi() && !token.open());
        assertEquals("signal", token.kind());
        assertFalse(AccessRule.of(Sample.class.getMethod("forgotten")).declared());
        assertFalse(AccessRule.of(Sample.class.getMethod("confused")).declared());
        assertEquals(Permission.SELF, AccessRule.of(ClassLevel.class.getMethod("inherited")).permission());
        assertNull(AccessRule.of(ClassLevel.class.getMethod("overridden")).permission());
        // An answer that goes on is watched for as long as it runs (LiveAccess), and needs the license in force.
        assertEquals(new AccessRule(true, Permission.ADMIN, null, true, false, false, true),
                AccessRule.of(Sample.class.getMethod("stream")));
    }
}
