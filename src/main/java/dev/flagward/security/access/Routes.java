package dev.flagward.security.access;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application's routes as its resource classes declare them (class and method {@code @Path}, HTTP designator,
 * access rule), read once at start, so that {@code OPTIONS} can say which methods a path takes. The framework's own
 * answer lists every method of the resource class the path falls under, and answers 200 for paths it does not have.
 * Matching follows the framework's: templates against the normalised path, one segment per plain variable, a
 * variable's own regular expression where it declares one ({@code {id: -?[0-9]+}}), an optional trailing slash.
 */
@Singleton
public class Routes {

    /** One resource method: the path it answers, its HTTP method and its access rule. */
    public record Route(Pattern path, String httpMethod, AccessRule rule) {}

    private final List<Route> routes;

    public Routes(BeanManager beans) {
        List<Route> found = new ArrayList<>();
        Set<Class<?>> seen = new HashSet<>();
        // Resource classes are beans (singletons by default), so the bean manager knows every one.
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path classPath = type.getAnnotation(Path.class);
            if (classPath == null || !seen.add(type)) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                String designator = designator(method);
                if (designator != null) {
                    Path methodPath = method.getAnnotation(Path.class);
                    found.add(new Route(compile(join(classPath.value(), methodPath == null ? "" : methodPath.value())),
                            designator, AccessRule.of(method)));
                }
            }
        }
        this.routes = List.copyOf(found);
    }

    /** The routes that answer this path (normalised, as the framework routes it), whatever their method. */
    public List<Route> matching(String path) {
        List<Route> out = new ArrayList<>();
        for (Route route : routes) {
            if (route.path().matcher(path).matches()) {
                out.add(route);
            }
        }
        return out;
    }

    static String join(String classPath, String methodPath) {
        String joined = "/" + trimSlashes(classPath) + "/" + trimSlashes(methodPath);
        joined = joined.replaceAll("/{2,}", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static String trimSlashes(String value) {
        return value.replaceAll("^/+|/+$", "");
    }

    /** A JAX-RS path template as a regular expression over the whole path. */
    static Pattern compile(String template) {
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            if (template.charAt(at) == '{') {
                int depth = 1;
                int end = at + 1;
                while (end < template.length() && depth > 0) {
                    char c = template.charAt(end++);
                    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                }
                String variable = template.substring(at + 1, end - 1);
                int colon = variable.indexOf(':');
                regex.append("(?:").append(colon < 0 ? "[^/]+" : variable.substring(colon + 1).strip()).append(')');
                at = end;
            } else {
                int next = template.indexOf('{', at);
                next = next < 0 ? template.length() : next;
                regex.append(Pattern.quote(template.substring(at, next)));
                at = next;
            }
        }
        return Pattern.compile(regex + (template.equals("/") ? "" : "/?"));
    }

    private static String designator(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod designator = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (designator != null) {
                return designator.value();
            }
        }
        return null;
    }
}
