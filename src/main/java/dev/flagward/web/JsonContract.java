package dev.flagward.web;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The published contract's schemas say what the JSON on the wire does, as {@link JsonSettings} and {@link ErrorMapper}
 * make it: the one error body of SPEC §2, a property that is not required may be null, {@code Instant} is a date-time
 * string, a {@code JsonNode} takes any JSON, an answer declared as JSON with no schema has no body, and an answer has
 * exactly the properties its schema names. Used by the build-time OpenAPI filter ({@code security.access.ApiContract}).
 */
public final class JsonContract {

    private static final String JSON = "application/json";
    private static final String ERROR = "Error";

    private JsonContract() {
    }

    /** {@code Error} and {@code ErrorDetail}, the one error body. */
    public static void errorSchemas(Components components) {
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
    }

    /** Schemas as Jackson writes them: JsonNode as any JSON, properties that are not required nullable. */
    public static void jsonAsWritten(Components components) {
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
    }

    /** Java's Instant is a date-time string on the wire: say so where it is used, not as a schema named after a class. */
    public static void dateTimesInline(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components.getSchemas() == null || !components.getSchemas().containsKey("Instant")) {
            return;
        }
        components.removeSchema("Instant");
        UnaryOperator<Schema> inline = schema -> schema != null && schema.getRef() != null
                && schema.getRef().endsWith("/Instant")
                        ? string().format("date-time").description(schema.getDescription())
                        : schema;
        components.getSchemas().values().forEach(schema -> rewrite(schema, inline));
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters()
                        .forEach(parameter -> parameter.setSchema(rewrite(parameter.getSchema(), inline)));
            }
            if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                operation.getRequestBody().getContent().getMediaTypes().values()
                        .forEach(media -> media.setSchema(rewrite(media.getSchema(), inline)));
            }
            operation.getResponses().getAPIResponses().values().forEach(response -> {
                if (response.getContent() != null) {
                    response.getContent().getMediaTypes().values()
                            .forEach(media -> media.setSchema(rewrite(media.getSchema(), inline)));
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
    public static void closeAnswers(OpenAPI openAPI) {
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
            if (!inRequests.contains(name) && schema.getProperties() != null
                    && schema.getAdditionalPropertiesSchema() == null
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

    public static void errorBody(APIResponse response) {
        response.setContent(OASFactory.createContent().addMediaType(JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR))));
    }

    /** JSON with no schema means no body here: the method answers an empty 200 (a Response without an entity). */
    public static void withoutUntypedJson(APIResponse response) {
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
                    .addAnyOf(OASFactory.createSchema().addType(SchemaType.NULL))
                    .description(property.getDescription());
        }
        if (property.getType() != null && !property.getType().isEmpty()
                && !property.getType().contains(SchemaType.NULL)) {
            property.addType(SchemaType.NULL);
        }
        return property;
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }
}
