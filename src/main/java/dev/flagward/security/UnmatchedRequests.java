package dev.flagward.security;

import dev.flagward.web.ApiException;
import dev.flagward.web.ErrorMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Requests no resource method matched. Under {@code /api/} Unleash authenticates first, so a stranger learns
 * nothing about which routes exist: without valid credentials the answer is 401 (as for a route that exists); with
 * them, 404 {@code NotFoundError} (a method a path does not take is answered like a path it does not have).
 * Nothing is allowed here, so deciding by the path's spelling grants nothing.
 */
public class UnmatchedRequests {

    private final Authenticator authenticator;

    public UnmatchedRequests(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @ServerExceptionMapper({NotFoundException.class, NotAllowedException.class})
    public Uni<Response> unmatched(WebApplicationException e, HttpServerRequest request) {
        ApiException notFound = ApiException.notFound(e instanceof NotAllowedException
                ? "Could not find the requested resource: this path does not take that method."
                : "Could not find the requested resource.");
        if (!underApi(request.path())) {
            return Uni.createFrom().item(ErrorMapper.respond(notFound));
        }
        Cookie session = request.getCookie(Authenticator.SESSION_COOKIE);
        return authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), session == null ? null : session.getValue())
                .map(principal -> ErrorMapper.respond(notFound))
                .onFailure(ApiException.class).recoverWithItem(failure -> ErrorMapper.respond((ApiException) failure));
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
        return decoded.replaceAll("/{2,}", "/").replace("/./", "/").toLowerCase(java.util.Locale.ROOT).startsWith("/api/");
    }
}
