package dev.flagward.web;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rules every matched request must meet before its body is read: no NUL and no matrix parameters in the URL, and
 * the content-type and size rules for bodies (SPEC §2). Runs after authentication and permission filters, so
 * the check order is 401 → 403 → 415 → 413 → 400. A POST/PUT/PATCH without a body is let through (some endpoints,
 * such as turning a signal endpoint on, take none); one with a body must say it is JSON.
 */
public class RequestRules {

    private final long limit;

    public RequestRules(HttpConfig config) {
        this.limit = config.maxBodySize().asLongValue();
    }

    @ServerRequestFilter(priority = Priorities.USER)
    public void check(HttpServerRequest request) {
        String uri = request.uri();
        if (uri != null && (uri.contains("%00") || uri.contains("\u0000"))) {
            throw ApiException.badData("A NUL character is not allowed in the URL.", "/params");
        }
        // JAX-RS would read "/user-admin/1;drop" as user 1 with a matrix parameter; Unleash has no matrix parameters,
        // and an id that is not exactly an id must not address anything.
        if (request.path().indexOf(';') >= 0) {
            throw ApiException.badData("A ';' is not allowed in the URL path.", "/params");
        }
        String method = request.method().name();
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        long declared = parseLength(length);
        if (declared <= 0 && !chunked) {
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(contentType)) {
            throw ApiException.unsupportedContentType(contentType);
        }
        if (declared > limit) {
            throw ApiException.payloadTooLarge(limit);
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    private static long parseLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badData("The Content-Length header is not a number.", "/headers/content-length");
        }
    }
}
