package dev.flagward.security.access;

import dev.flagward.security.authentication.Authenticator;
import dev.flagward.web.JsonContract;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The published contract (`/q/openapi`) says what the access rules and the error mapping do, from the same
 * annotations the access filter reads ({@link Access}, {@link Public}, {@link AuthenticatedBy}, {@link Enterprise},
 * {@link Revocation}), so the document cannot drift from the behaviour: each operation's security, and every error it
 * can answer with the one error body of SPEC §2. It also makes the schemas say what the JSON does: a property that is
 * not required may be null; an answer declared as JSON with no schema has no body.
 * <p>
 * Runs at build time, with the Jandex index of the application, on the document SmallRye OpenAPI built from the
 * annotations.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiContract implements OASFilter {

    static final String API_TOKEN = "apiToken";
    static final String SESSION = "session";
    static final String SIGNAL_TOKEN = "signalToken";
    static final String HMAC_SIGNATURE = "hmacSignature";
    private static final String JSON = "application/json";

    private static final DotName OPERATION = DotName
            .createSimple("org.eclipse.microprofile.openapi.annotations.Operation");
    private static final DotName ACCESS = DotName.createSimple(Access.class.getName());
    private static final DotName PUBLIC = DotName.createSimple(Public.class.getName());
    private static final DotName AUTHENTICATED_BY = DotName.createSimple(AuthenticatedBy.class.getName());
    private static final DotName ENTERPRISE = DotName.createSimple(Enterprise.class.getName());
    private static final DotName REVOCATION = DotName.createSimple(Revocation.class.getName());
    private static final DotName HMAC_SIGNED = DotName.createSimple(HmacSigned.class.getName());
    private static final Set<String> PARAMETER_ANNOTATIONS = Set.of("jakarta.ws.rs.PathParam",
            "jakarta.ws.rs.QueryParam",
            "jakarta.ws.rs.HeaderParam", "jakarta.ws.rs.CookieParam", "jakarta.ws.rs.core.Context",
            "jakarta.ws.rs.BeanParam",
            "jakarta.ws.rs.FormParam", "org.jboss.resteasy.reactive.RestPath", "org.jboss.resteasy.reactive.RestQuery",
            "org.jboss.resteasy.reactive.RestHeader", "org.jboss.resteasy.reactive.RestCookie");

    /** What a resource method declares about access, as the access filter reads it. */
    record Declared(boolean open, String permission, String kind, boolean enterprise, boolean revocation, boolean body,
            boolean signed) {

        boolean adminApi() {
            return permission != null;
        }
    }

    private final Map<String, Declared> byOperationId;

    public ApiContract() {
        this.byOperationId = Map.of();
    }

    public ApiContract(IndexView index) {
        this.byOperationId = scan(index);
    }

    private static Map<String, Declared> scan(IndexView index) {
        Map<String, Declared> out = new HashMap<>();
        for (AnnotationInstance operation : index.getAnnotations(OPERATION)) {
            AnnotationValue id = operation.value("operationId");
            if (id == null || operation.target().kind() != AnnotationTarget.Kind.METHOD) {
                continue;
            }
            MethodInfo method = operation.target().asMethod();
            ClassInfo type = method.declaringClass();
            AnnotationInstance access = method.annotation(ACCESS);
            AnnotationInstance open = method.annotation(PUBLIC);
            AnnotationInstance token = method.annotation(AUTHENTICATED_BY);
            if (access == null && open == null && token == null) {
                access = type.declaredAnnotation(ACCESS);
                open = type.declaredAnnotation(PUBLIC);
                token = type.declaredAnnotation(AUTHENTICATED_BY);
            }
            boolean enterprise = method.hasAnnotation(ENTERPRISE) || type.hasDeclaredAnnotation(ENTERPRISE);
            out.put(id.asString(), new Declared(open != null && access == null && token == null,
                    access == null ? null : access.value().asEnum(), token == null ? null : token.value().asString(),
                    enterprise, method.hasAnnotation(REVOCATION), hasBody(method), method.hasAnnotation(HMAC_SIGNED)));
        }
        return out;
    }

    /** A parameter without a JAX-RS source annotation is the request body. */
    private static boolean hasBody(MethodInfo method) {
        for (int i = 0; i < method.parametersCount(); i++) {
            boolean annotated = false;
            for (AnnotationInstance annotation : method.parameters().get(i).annotations()) {
                if (PARAMETER_ANNOTATIONS.contains(annotation.name().toString())) {
                    annotated = true;
                }
            }
            if (!annotated) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null
                ? OASFactory.createComponents()
                : openAPI.getComponents();
        openAPI.setComponents(components);
        securitySchemes(components);
        JsonContract.errorSchemas(components);
        JsonContract.jsonAsWritten(components);
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach(
                (path, item) -> item.getOperations().forEach((method, operation) -> describe(path, method, operation)));
        JsonContract.dateTimesInline(openAPI);
        JsonContract.closeAnswers(openAPI);
    }

    private static void securitySchemes(Components components) {
        components.addSecurityScheme(API_TOKEN, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("Authorization")
                .description("An admin API token or a personal access token (user:…), as it is or as Bearer <token>"));
        components.addSecurityScheme(SESSION, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.COOKIE).name(Authenticator.SESSION_COOKIE)
                .description("The browser session from POST /auth/simple/login"));
        components.addSecurityScheme(SIGNAL_TOKEN, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("A token of this signal endpoint (signal_…)"));
        components.addSecurityScheme(HMAC_SIGNATURE, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name("Authorization")
                .description(
                        "HMAC <clientId>:<signature> of an Edge client in FLAGWARD_EDGE_CLIENTS, as Unleash's Enterprise "
                                + "Edge signs: signature = base64url HMAC-SHA256, keyed with the client's secret (base64url-decoded), of "
                                + "\"POST\\n<path>\\n<x-timestamp>\\n<x-nonce>\\n<content-sha256>\"; with the headers x-timestamp "
                                + "(RFC 3339, within 5 minutes), x-nonce (used once) and content-sha256 (hex SHA-256 of the body). "
                                + "Computed per request: it cannot be given once in Swagger UI's Authorize."));
    }

    private void describe(String path, PathItem.HttpMethod method, Operation operation) {
        Declared declared = byOperationId.get(operation.getOperationId());
        APIResponses responses = operation.getResponses() == null
                ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        boolean parameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
        if (declared != null) {
            operation.setSecurity(security(declared));
            boolean write = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
            if (declared.body() || parameters) {
                error(responses, "400", "The body, a path or query parameter, or a header is not valid (BadDataError)");
            }
            if (!declared.open() || declared.signed()) {
                error(responses, "401",
                        "No credentials (AuthenticationRequired), or they are not valid (UnauthorizedError)");
            }
            if (declared.adminApi() || declared.enterprise() || (declared.open() && declared.enterprise())) {
                error(responses, "403", forbidden(declared, write));
            }
            if (declared.body()) {
                error(responses, "413", "The body is larger than flagward.http.max-body-size (PayloadTooLargeError)");
                error(responses, "415", "The body is not application/json (ContentTypeError)");
            }
        }
        if (path.contains("{")) {
            error(responses, "404", "Nothing with that identifier (NotFoundError)");
        }
        error(responses, "406",
                "The Accept header asks for a media type this operation does not produce (BadDataError)");
        error(responses, "500", "Something unexpected; the id in the body is logged with the cause (InternalError)");
        error(responses, "503", "The database cannot be reached (ServiceUnavailableError)");
        responses.getAPIResponses().forEach((status, response) -> {
            if ((status.startsWith("4") || status.startsWith("5")) && response.getContent() == null) {
                JsonContract.errorBody(response);
            } else {
                JsonContract.withoutUntypedJson(response);
            }
        });
        if (declared != null) {
            String who = who(declared);
            String description = operation.getDescription();
            operation.setDescription(description == null || description.isBlank()
                    ? operation.getSummary() + ". " + who
                    : description + (description.endsWith(".") ? " " : ". ") + who);
        }
    }

    /** Who may call it, in words, from the same declaration the access filter enforces. */
    private static String who(Declared declared) {
        String license = declared.enterprise() ? " Enterprise: needs a license in force." : "";
        if (declared.signed()) {
            return "Credentials: the HMAC signature of an Edge client configured in FLAGWARD_EDGE_CLIENTS (Authorization: "
                    + "HMAC <clientId>:<signature>, x-timestamp, x-nonce, content-sha256); API tokens and sessions are not used."
                    + license;
        }
        if (declared.open()) {
            return "No credentials needed." + license;
        }
        if (declared.kind() != null) {
            return "Credentials: a " + declared.kind() + " token of this endpoint (Bearer)." + license;
        }
        String permission = switch (declared.permission()) {
            case "ADMIN" -> "an admin API token, or a user with root role Admin";
            case "SELF" -> "a user (personal access token or session), acting for themselves; API tokens are refused";
            case "READ" -> "an admin API token, or any user";
            default -> "an admin API token, or a user with root role Admin or Editor";
        };
        return "Credentials: " + permission + " (Authorization header or session cookie)." + license;
    }

    private static String forbidden(Declared declared, boolean write) {
        List<String> reasons = new ArrayList<>();
        if (declared.adminApi()) {
            reasons.add(
                    "the caller lacks the permission (PermissionError) or holds the wrong kind of credential (ForbiddenError)");
        }
        if (declared.enterprise()) {
            reasons.add("no valid license is installed (LicenseError)");
        } else if (declared.adminApi() && write && !declared.revocation()) {
            reasons.add("the license has expired past its grace period and the admin API is read-only (LicenseError)");
        }
        return String.join("; ", reasons);
    }

    /** The schemes that may authenticate the operation: any one of them. */
    private static List<SecurityRequirement> security(Declared declared) {
        if (declared.signed()) {
            return new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(HMAC_SIGNATURE)));
        }
        if (declared.open()) {
            return new ArrayList<>(); // none: anyone may call it
        }
        if (declared.kind() != null) {
            return new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(SIGNAL_TOKEN)));
        }
        return new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(API_TOKEN),
                OASFactory.createSecurityRequirement().addScheme(SESSION)));
    }

    private static void error(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        }
    }

}
