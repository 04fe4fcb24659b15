package dev.flagward.web;

import java.util.List;
import java.util.Map;

/**
 * An error a client is meant to see, with the SPEC §2 name and status. Thrown anywhere (filters, services,
 * resources) and turned into the one error body by {@link ErrorMapper}. No stack trace: these are answers,
 * not faults, and they are thrown on hot paths (401s under attack).
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String name;
    private final List<ErrorDetail> details;
    private final Map<String, Object> extra;
    private final Map<String, String> headers;

    public ApiException(int status, String name, String message, List<ErrorDetail> details,
            Map<String, Object> extra, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.name = name;
        this.details = details == null || details.isEmpty() ? List.of(ErrorDetail.of(message)) : List.copyOf(details);
        this.extra = extra == null ? Map.of() : Map.copyOf(extra);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiException(int status, String name, String message) {
        this(status, name, message, null, null, null);
    }

    public int status() {
        return status;
    }
    public String name() {
        return name;
    }
    public List<ErrorDetail> details() {
        return details;
    }
    public Map<String, Object> extra() {
        return extra;
    }
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badData(String message, String path) {
        return new ApiException(400, "BadDataError", message, List.of(new ErrorDetail(message, path)), null, null);
    }

    public static ApiException badData(List<ErrorDetail> details) {
        String message = details.size() == 1
                ? details.get(0).message()
                : "Request validation failed: your request body or params contain invalid data";
        return new ApiException(400, "BadDataError", message, details, null, null);
    }

    public static ApiException authenticationRequired() {
        return new ApiException(401, "AuthenticationRequired",
                "You must log in or provide a valid API token to use this endpoint.", null,
                Map.of("path", "/auth/simple/login", "type", "password", "defaultHidden", false), null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "UnauthorizedError", message);
    }

    public static ApiException permission(String permission) {
        String message = "You don't have the required permissions to perform this operation. You need the \""
                + permission + "\" permission.";
        return new ApiException(403, "PermissionError", message, null,
                Map.of("permissions", List.of(permission)), null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "ForbiddenError", message);
    }

    public static ApiException operationDenied(String message) {
        return new ApiException(403, "OperationDeniedError", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NotFoundError", message);
    }

    public static ApiException nameExists(String message) {
        return new ApiException(409, "NameExistsError", message);
    }

    public static ApiException exceedsLimit(String message) {
        return new ApiException(400, "ExceedsLimitError", message);
    }

    public static ApiException license(String message) {
        return new ApiException(403, "LicenseError", message);
    }

    public static ApiException payloadTooLarge(long limitBytes) {
        return new ApiException(413, "PayloadTooLargeError",
                "The request body is larger than the limit of " + limitBytes + " bytes.");
    }

    public static ApiException unsupportedContentType(String given) {
        return new ApiException(415, "ContentTypeError",
                "We do not accept the content-type " + (given == null || given.isBlank() ? "(none)" : "'" + given + "'")
                        + ". Send the body as application/json.");
    }

    public static ApiException serviceUnavailable() {
        return serviceUnavailable("The service cannot reach its database right now. Try again shortly.");
    }

    /** 503 with {@code Retry-After: 1}: a momentary condition (an unreachable database, a full queue), not the request. */
    public static ApiException serviceUnavailable(String message) {
        return new ApiException(503, "ServiceUnavailableError", message, null, null, Map.of("Retry-After", "1"));
    }
}
