package dev.flagward.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.smallrye.mutiny.CompositeException;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.SocketException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one place where failures become the SPEC §2 error body:
 * {@code {"id", "name", "message", "details": [{"message", "path"}], ...extra}}.
 * Unexpected failures answer 500 with nothing internal in the body; their id is logged with the cause.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return respond(logged(e));
    }

    /** A 500 that names its cause (a configuration mistake) is logged too: the operator reads logs, not answers. */
    private static ApiException logged(ApiException e) {
        if (e.status() >= 500 && e.status() != 503) {
            LOG.error(e.getMessage());
        }
        return e;
    }

    /**
     * Every Jackson failure. The types are listed because JAX-RS picks the most specific mapper, and Quarkus registers
     * its own (empty-body) mappers for some of these subtypes.
     */
    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, JsonMappingException.class,
            MismatchedInputException.class, InvalidFormatException.class})
    public Response json(JsonProcessingException e) {
        return respond(fromJson(e));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return respond(fromWebApplication(e));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        ApiException known = classify(e);
        if (known != null) {
            return respond(logged(known));
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Internal error %s", id);
        return respond(id, new ApiException(500, "InternalError",
                "Something went wrong on our side. Quote the error id " + id + " when reporting it."));
    }

    /** Finds a client-facing meaning in a failure that arrived wrapped (by Mutiny, Hibernate or RESTEasy). */
    static ApiException classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof CompositeException composite) {
                // Mutiny collects several failures (a reset connection, then the rollback that could not run).
                for (Throwable each : composite.getCauses()) {
                    ApiException known = each == composite ? null : classify(each);
                    if (known != null) {
                        return known;
                    }
                }
            }
            if (t instanceof JsonProcessingException json) {
                return fromJson(json);
            }
            if (t instanceof PgException pg && pg.getSqlState() != null) {
                String state = pg.getSqlState();
                if (state.startsWith("22")) {
                    // Data exceptions (a value PostgreSQL cannot store or compare): the request's fault, not ours.
                    return ApiException.badData("A value in the request cannot be stored or compared.", "/body");
                }
                if (state.startsWith("08") || state.startsWith("57P")) {
                    // Connection exceptions, and the server shutting down, crashing or still starting up.
                    LOG.warnf("Database unavailable: SQLSTATE %s", state);
                    return ApiException.serviceUnavailable();
                }
            }
            if (t instanceof SocketException || t.getClass().getName().endsWith("ClosedConnectionException")
                    || t.getClass().getName().endsWith("NoStackTraceTimeoutException")) {
                LOG.warnf("Database unavailable: %s", t.getClass().getSimpleName());
                return ApiException.serviceUnavailable();
            }
        }
        return null;
    }

    static ApiException fromWebApplication(WebApplicationException e) {
        ApiException inner = e.getCause() == null ? null : classify(e.getCause());
        if (inner != null) {
            return inner;
        }
        if (e instanceof NotFoundException) {
            return ApiException.notFound("Could not find the requested resource.");
        }
        if (e instanceof NotSupportedException) {
            return ApiException.unsupportedContentType(null);
        }
        if (e instanceof NotAllowedException) {
            // Unleash answers a method a path does not take like a path it does not have.
            return ApiException.notFound("Could not find the requested resource: this path does not take that method.");
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return null;
        }
        // Whatever else the framework refuses still carries a name from SPEC §2.
        return switch (status) {
            case 401 -> ApiException.unauthorized("The request is not authenticated.");
            case 403 -> ApiException.forbidden("The request is not allowed.");
            case 404 -> ApiException.notFound("Could not find the requested resource.");
            case 413 -> new ApiException(413, "PayloadTooLargeError", "The request body is too large.");
            case 415 -> ApiException.unsupportedContentType(null);
            case 429 -> new ApiException(429, "RateLimitError", "Too many requests.");
            default ->
                new ApiException(status, "BadDataError", "The request cannot be served as sent (HTTP " + status + ").");
        };
    }

    static ApiException fromJson(JsonProcessingException e) {
        // Jackson wraps what the body stream throws (the size limit) in its own exceptions.
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        // A syntax error (also one met while binding a field, which Jackson wraps with the field's path) is malformed
        // JSON: say where it is.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonParseException syntax) {
                return ApiException.badData(notValidJson(syntax), "/body");
            }
        }
        if (e instanceof JsonMappingException mapping
                && !(e.getClass() == JsonMappingException.class && mapping.getPath().isEmpty())) {
            String path = jsonPath(mapping.getPath());
            String message;
            if (e instanceof InvalidFormatException invalid) {
                message = "The value at " + path + " has the wrong format: expected "
                        + simpleType(invalid.getTargetType()) + ".";
            } else if (e instanceof MismatchedInputException mismatched) {
                message = mapping.getPath().isEmpty()
                        ? "The request body must be a JSON object."
                        : "The value at " + path + " has the wrong type: expected "
                                + simpleType(mismatched.getTargetType()) + ".";
            } else {
                message = "The value at " + path + " is not valid.";
            }
            return ApiException.badData(message, path);
        }
        return ApiException.badData(notValidJson(e), "/body");
    }

    /**
     * Where the JSON breaks, as line and column (1-based, as an editor shows them). Jackson's own description is left
     * out: it quotes the offending text, which may be a secret pasted in the wrong place.
     */
    static String notValidJson(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1 || at.getColumnNr() < 1) {
            return "The request body is not valid JSON.";
        }
        String where = "line " + at.getLineNr() + ", column " + at.getColumnNr();
        return endsEarly(e)
                ? "The request body is not valid JSON: it ends before the JSON does (" + where + ")."
                : "The request body is not valid JSON: the error is at " + where + ".";
    }

    /**
     * Jackson's end-of-input failure: a JsonEOFException, or (between an object's entries) a plain parse exception
     * whose own message says so.
     */
    private static boolean endsEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonEOFException || t instanceof JsonProcessingException json
                    && json.getOriginalMessage() != null
                    && json.getOriginalMessage().startsWith("Unexpected end-of-input")) {
                return true;
            }
        }
        return false;
    }

    private static String jsonPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder("/body");
        for (JsonMappingException.Reference ref : refs) {
            sb.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return sb.toString();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Instant.class || type == OffsetDateTime.class) {
            return "an RFC 3339 date-time";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    public static Response respond(ApiException e) {
        return respond(UUID.randomUUID().toString(), e);
    }

    private static Response respond(String id, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", e.name());
        body.put("message", e.getMessage());
        body.put("details", e.details());
        body.putAll(e.extra());
        Response.ResponseBuilder builder = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body);
        e.headers().forEach(builder::header);
        return builder.build();
    }
}
