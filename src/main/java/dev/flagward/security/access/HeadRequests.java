package dev.flagward.security.access;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;

/**
 * {@code HEAD} is answered by the path's GET method without its body (the framework does that, after the access
 * filter has judged the GET method's rule, so HEAD needs what GET needs). One exception: an answer that outlives its
 * request (Server-Sent Events, see {@link AccessRule#live()}). Its GET would start a stream nobody reads, and it stays
 * subscribed until the client closes the connection; a HEAD gets the stream's headers and ends, once access is
 * granted.
 */
public class HeadRequests {

    /**
     * Runs after {@link AccessFilter} (priority {@link Priorities#AUTHENTICATION}) and after the request rules (content
     * type, size, path spelling: priority {@link Priorities#USER}): only requests a GET would serve get here.
     */
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Response headOfLiveAnswer(ResourceInfo resource, HttpServerRequest request) {
        Method method = resource.getResourceMethod();
        if (method == null || !HttpMethod.HEAD.equals(request.method()) || !AccessRule.of(method).live()) {
            return null;
        }
        // An event stream is never cached: the GET says so too.
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
    }
}
