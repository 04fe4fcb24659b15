package dev.flagward.security.access;

import dev.flagward.security.authentication.Authenticator;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.web.ApiException;
import dev.flagward.web.ErrorMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Requests no resource method matched. Under {@code /api/} Unleash authenticates first, so a stranger learns
 * nothing about which routes exist: without valid credentials the answer is 401 (as for a route that exists); with
 * them, 404 {@code NotFoundError} (a method a path does not take is answered like a path it does not have).
 * Nothing is allowed here, so deciding by the path's spelling grants nothing.
 * <p>
 * {@code OPTIONS} too: no resource method takes it, so it is answered here, before routing, with the methods the path
 * takes ({@code Allow}, from {@link Routes}), and never tells a stranger more than a GET would: a path whose methods
 * all need credentials needs them for OPTIONS too (401 without), a path Flagward lacks is answered as above, and only
 * a path with an open method (sign-in, health, Edge validation) answers anyone.
 */
public class UnmatchedRequests {

    /** The order {@code Allow} lists methods in, so the header is the same on every call and replica. */
    private static final List<String> METHOD_ORDER = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

    private final Authenticator authenticator;
    private final Routes routes;

    public UnmatchedRequests(Authenticator authenticator, Routes routes) {
        this.authenticator = authenticator;
        this.routes = routes;
    }

    @ServerExceptionMapper({NotFoundException.class, NotAllowedException.class})
    public Uni<Response> unmatched(WebApplicationException e, RoutingContext routing) {
        return notFound(routing, e instanceof NotAllowedException
                ? "Could not find the requested resource: this path does not take that method."
                : "Could not find the requested resource.");
    }

    /** Null (route as usual) for every method but OPTIONS, which costs the other requests nothing. */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> options(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (!io.vertx.core.http.HttpMethod.OPTIONS.equals(request.method())) {
            return null;
        }
        // As the router sees the path: dot segments resolved (normalizedPath), matrix parameters dropped.
        List<Routes.Route> matched = routes.matching(routing.normalizedPath().replaceAll(";[^/]*", ""));
        if (matched.isEmpty()) {
            return notFound(routing, "Could not find the requested resource.");
        }
        // A ';' in the path is refused after authentication, as for every other method (web.RequestRules).
        Response allow = request.path().indexOf(';') >= 0
                ? ErrorMapper.respond(ApiException.badData("A ';' is not allowed in the URL path.", "/params"))
                : Response.ok().header(HttpHeaders.ALLOW, allowed(matched)).build();
        if (matched.stream().anyMatch(route -> route.rule().declared() && route.rule().open())) {
            return Uni.createFrom().item(allow);
        }
        // The credential the path's methods take: a feature's own kind when they all name it, else any.
        String kind = matched.get(0).rule().kind();
        boolean ownKind = kind != null && matched.stream().allMatch(route -> kind.equals(route.rule().kind()));
        Uni<StoredCredential> authenticated = ownKind
                ? authenticator.authenticateAs(kind, request.getHeader(HttpHeaders.AUTHORIZATION))
                : authenticate(request);
        return authenticated.map(credential -> allow)
                .onFailure(ApiException.class).recoverWithItem(failure -> ErrorMapper.respond((ApiException) failure));
    }

    private Uni<Response> notFound(RoutingContext routing, String message) {
        ApiException notFound = ApiException.notFound(message);
        HttpServerRequest request = routing.request();
        // The path as the router resolved it, so no spelling (dot segments, escapes, doubled slashes) decides.
        if (!underApi(routing.normalizedPath())) {
            return Uni.createFrom().item(ErrorMapper.respond(notFound));
        }
        return authenticate(request).map(principal -> ErrorMapper.respond(notFound))
                .onFailure(ApiException.class).recoverWithItem(failure -> ErrorMapper.respond((ApiException) failure));
    }

    private Uni<StoredCredential> authenticate(HttpServerRequest request) {
        Cookie session = request.getCookie(Authenticator.SESSION_COOKIE);
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION),
                session == null ? null : session.getValue());
    }

    /** GET brings HEAD (the framework answers HEAD with the GET method), and OPTIONS is always answered. */
    static String allowed(List<Routes.Route> matched) {
        Set<String> methods = matched.stream().map(Routes.Route::httpMethod).collect(Collectors.toSet());
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD);
        }
        methods.add(HttpMethod.OPTIONS);
        return METHOD_ORDER.stream().filter(methods::contains).collect(Collectors.joining(", "));
    }

    /** {@code /api/…} however it is spelled ({@code //api/}, {@code /%61pi/}). */
    static boolean underApi(String path) {
        if (path == null) {
            return false;
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
            decoded = path;
        }
        return decoded.replaceAll("/{2,}", "/").replace("/./", "/").toLowerCase(Locale.ROOT).startsWith("/api/");
    }
}
