package dev.flagward.security.access;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.function.UnaryOperator;

import dev.flagward.security.authentication.Authenticator;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
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
    static final String ERROR = "Error";
    private static final String JSON = "application/json";

    private static final DotName OPERATION = DotName.createSimple("org.eclipse.microprofile.openapi.annotations.Operation");
    private static final DotName ACCESS = DotName.createSimple(Access.class.getName());
    private static final DotName PUBLIC = DotName.createSimple(Public.class.getName());
    private static final DotName AUTHENTICATED_BY = DotName.createSimple(AuthenticatedBy.class.getName());
    private static final DotName ENTERPRISE = DotName.createSimple(Enterprise.class.getName());
    private static final DotName REVOCATION = DotName.createSimple(Revocation.class.getName());
    private static final DotName HMAC_SIGNED = DotName.createSimple(HmacSigned.class.getName());
    private static final Set<String> PARAMETER_ANNOTATIONS = Set.of("jakarta.ws.rs.PathParam", "jakarta.ws.rs.QueryParam",
            "jakarta.ws.rs.HeaderParam", "jakarta.ws.rs.CookieParam", "jakarta.ws.rs.core.Context", "jakarta.ws.rs.BeanParam",
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
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        openAPI.setComponents(components);
        securitySchemes(components);
        components.addSchema("ErrorDetail", OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("One thing that is wrong, and where (for example /body/tokenName)")
                .addRequired("message")
                .addProperty("message", string())
                .addProperty("path", string()));
        components.addSchema(ERROR, OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("Every error (SPEC §2): its name says which; the id is logged with the cause")
                .addRequired("id").addRequired("name").addRequired("message").addRequired("details")
                .addProperty("id", string().format("uuid"))
                .addProperty("name", string().description("BadDataError, AuthenticationRequired, UnauthorizedError, "
                        + "PermissionError, OperationDeniedError, ForbiddenError, NotFoundError, NameExistsError, "
                        + "PayloadTooLargeError, ContentTypeError, ExceedsLimitError, LicenseError, RateLimitError, "
                        + "ServiceUnavailableError, InternalError"))
                .addProperty("message", string())
                .addProperty("details", OASFactory.createSchema().addType(SchemaType.ARRAY).minItems(1)
                        .items(OASFactory.createSchema().ref("ErrorDetail")))
                .addProperty("permissions", OASFactory.createSchema().addType(SchemaType.ARRAY).items(string())
                        .description("PermissionError: the permissions needed"))
                .addProperty("path", string().description("AuthenticationRequired: where to sign in"))
                .addProperty("type", string().description("AuthenticationRequired: how to sign in"))
                .addProperty("defaultHidden", OASFactory.createSchema().addType(SchemaType.BOOLEAN)
                        .description("AuthenticationRequired: as Unleash's login screen reads it")));
        if (components.getSchemas() != null) {
            // A JsonNode field takes any JSON (a role by name or by id, an event's data): say so, not "JsonNode".
            for (String javaType : List.of("JsonNode", "ObjectNode", "JsonNodeType")) {
                components.removeSchema(javaType);
            }
            components.getSchemas().forEach((name, schema) -> {
                anyJsonForJavaTypes(schema);
                nullableUnlessRequired(schema);
            });
        }
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) ->
                describe(path, method, operation)));
        dateTimesInline(openAPI);
        closeAnswers(openAPI);
    }

    /** Java's Instant is a date-time string on the wire: say so where it is used, not as a schema named after a class. */
    private static void dateTimesInline(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components.getSchemas() == null || !components.getSchemas().containsKey("Instant")) {
            return;
        }
        components.removeSchema("Instant");
        UnaryOperator<Schema> inline = schema -> schema != null && schema.getRef() != null
                && schema.getRef().endsWith("/Instant")
                ? string().format("date-time").description(schema.getDescription()) : schema;
        components.getSchemas().values().forEach(schema -> rewrite(schema, inline));
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(parameter -> parameter.setSchema(rewrite(parameter.getSchema(), inline)));
            }
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().getMediaTypes().values()
                        .forEach(media -> media.setSchema(rewrite(media.getSchema(), inline)));
            }
            operation.getResponses().getAPIResponses().values().forEach(response -> {
                if (response.getContent() != null) {
                    response.getContent().getMediaTypes().values().forEach(media -> media.setSchema(rewrite(media.getSchema(), inline)));
                }
            });
        }));
    }

    /** Applies {@code change} to a schema and to every schema inside it; the (possibly replaced) schema. */
    private static Schema rewrite(Schema schema, UnaryOperator<Schema> change) {
        if (schema == null) {
            return null;
        }
        Schema changed = change.apply(schema);
        if (changed != schema) {
            return changed;
        }
        if (schema.getProperties() != null) {
            new LinkedHashMap<>(schema.getProperties())
                    .forEach((name, property) -> schema.addProperty(name, rewrite(property, change)));
        }
        if (schema.getItems() != null) {
            schema.setItems(rewrite(schema.getItems(), change));
        }
        if (schema.getAnyOf() != null) {
            schema.setAnyOf(schema.getAnyOf().stream().map(member -> rewrite(member, change)).toList());
        }
        if (schema.getOneOf() != null) {
            schema.setOneOf(schema.getOneOf().stream().map(member -> rewrite(member, change)).toList());
        }
        if (schema.getAllOf() != null) {
            schema.setAllOf(schema.getAllOf().stream().map(member -> rewrite(member, change)).toList());
        }
        if (schema.getAdditionalPropertiesSchema() != null) {
            schema.setAdditionalPropertiesSchema(rewrite(schema.getAdditionalPropertiesSchema(), change));
        }
        return schema;
    }

    /**
     * An answer has exactly the properties its schema names (a field no one documented, a secret say, breaks the
     * contract). Schemas that requests use stay open: unknown properties in a request are ignored (SPEC §2).
     */
    private static void closeAnswers(OpenAPI openAPI) {
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        Set<String> inRequests = new HashSet<>();
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().getMediaTypes().values()
                        .forEach(media -> referenced(media.getSchema(), schemas, inRequests));
            }
        }));
        schemas.forEach((name, schema) -> {
            if (!inRequests.contains(name) && schema.getProperties() != null && schema.getAdditionalPropertiesSchema() == null
                    && schema.getAdditionalPropertiesBoolean() == null) {
                schema.setAdditionalPropertiesBoolean(Boolean.FALSE);
            }
        });
    }

    private static void referenced(Schema schema, Map<String, Schema> schemas, Set<String> found) {
        rewrite(schema, member -> {
            String ref = member.getRef();
            if (ref != null) {
                String name = ref.substring(ref.lastIndexOf('/') + 1);
                if (found.add(name)) {
                    referenced(schemas.get(name), schemas, found);
                }
            }
            return member;
        });
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
                .description("HMAC <clientId>:<signature> of an Edge client in FLAGWARD_EDGE_CLIENTS, as Unleash's Enterprise "
                        + "Edge signs: signature = base64url HMAC-SHA256, keyed with the client's secret (base64url-decoded), of "
                        + "\"POST\\n<path>\\n<x-timestamp>\\n<x-nonce>\\n<content-sha256>\"; with the headers x-timestamp "
                        + "(RFC 3339, within 5 minutes), x-nonce (used once) and content-sha256 (hex SHA-256 of the body). "
                        + "Computed per request: it cannot be given once in Swagger UI's Authorize."));
    }

    private void describe(String path, PathItem.HttpMethod method, Operation operation) {
        Declared declared = byOperationId.get(operation.getOperationId());
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean parameters = operation.getParameters() != null && !operation.getParameters().isEmpty();
        if (declared != null) {
            operation.setSecurity(security(declared));
            boolean write = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
            if (declared.body() || parameters) {
                error(responses, "400", "The body, a path or query parameter, or a header is not valid (BadDataError)");
            }
            if (!declared.open() || declared.signed()) {
                error(responses, "401", "No credentials (AuthenticationRequired), or they are not valid (UnauthorizedError)");
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
        error(responses, "406", "The Accept header asks for a media type this operation does not produce (BadDataError)");
        error(responses, "500", "Something unexpected; the id in the body is logged with the cause (InternalError)");
        error(responses, "503", "The database cannot be reached (ServiceUnavailableError)");
        responses.getAPIResponses().forEach((status, response) -> {
            if ((status.startsWith("4") || status.startsWith("5")) && response.getContent() == null) {
                errorBody(response);
            } else {
                withoutUntypedJson(response);
            }
        });
        if (declared != null) {
            String who = who(declared);
            String description = operation.getDescription();
            operation.setDescription(description == null || description.isBlank() ? operation.getSummary() + ". " + who
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
            reasons.add("the caller lacks the permission (PermissionError) or holds the wrong kind of credential (ForbiddenError)");
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

    private static void errorBody(APIResponse response) {
        response.setContent(OASFactory.createContent().addMediaType(JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR))));
    }

    /** JSON with no schema means no body here: the method answers an empty 200 (a Response without an entity). */
    private static void withoutUntypedJson(APIResponse response) {
        Content content = response.getContent();
        if (content == null || content.getMediaTypes() == null) {
            return;
        }
        MediaType json = content.getMediaType(JSON);
        if (json != null && untyped(json.getSchema()) && content.getMediaTypes().size() == 1) {
            response.setContent(null);
        }
    }

    /** No schema, or one that says nothing (what a method returning a bare Response gets). */
    private static boolean untyped(Schema schema) {
        return schema == null || (schema.getRef() == null && (schema.getType() == null || schema.getType().isEmpty())
                && schema.getProperties() == null && schema.getItems() == null && schema.getAnyOf() == null
                && schema.getOneOf() == null && schema.getAllOf() == null);
    }

    private static void anyJsonForJavaTypes(Schema schema) {
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        new LinkedHashMap<>(schema.getProperties()).forEach((name, property) -> {
            String ref = property.getRef();
            if (ref != null && (ref.endsWith("/JsonNode") || ref.endsWith("/ObjectNode"))) {
                schema.addProperty(name, OASFactory.createSchema().description(property.getDescription()));
            }
        });
    }

    /** In an object schema, every property that is not required may also be null (Jackson writes it as null). */
    private static void nullableUnlessRequired(Schema schema) {
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = new LinkedHashMap<>(schema.getProperties());
        properties.forEach((name, property) -> {
            if (!required.contains(name)) {
                schema.addProperty(name, nullable(property));
            }
        });
    }

    private static Schema nullable(Schema property) {
        if (property.getRef() != null) {
            return OASFactory.createSchema().addAnyOf(OASFactory.createSchema().ref(property.getRef()))
                    .addAnyOf(OASFactory.createSchema().addType(SchemaType.NULL)).description(property.getDescription());
        }
        if (property.getType() != null && !property.getType().isEmpty() && !property.getType().contains(SchemaType.NULL)) {
            property.addType(SchemaType.NULL);
        }
        return property;
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }
}
