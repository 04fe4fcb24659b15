package dev.flagward.apitoken;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.apitoken.ApiTokenApi.ApiTokenList;
import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.apitoken.ApiTokenApi.UpdateApiTokenRequest;
import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.web.Created;
import dev.flagward.web.ETags;
import dev.flagward.web.OptionalBody;
import dev.flagward.web.Validation;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/admin/api-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API tokens", description = "Create, update, and delete API tokens")
public class ApiTokenResource {

    @Inject
    ApiTokenService service;
    @Inject
    Caller caller;
    @Inject
    ObjectMapper mapper;

    @GET
    @Access(Permission.READ_API_TOKEN)
    @Operation(operationId = "getAllApiTokens", summary = "Get API tokens",
            description = "All API tokens the caller may see; never the secrets.")
    @APIResponse(responseCode = "200",
            description = "With a weak ETag; If-None-Match that matches → 304 without a body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiTokenList.class)))
    @APIResponse(responseCode = "304", description = "Not Modified: If-None-Match matched the current ETag; no body")
    public Uni<Response> list(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        // Served from memory: no database round trip, on the event loop.
        return Uni.createFrom()
                .item(() -> ETags.ok(mapper, new ApiTokenList(service.list(caller.principal())), ifNoneMatch));
    }

    @GET
    @Path("{token}")
    @Access(Permission.READ_API_TOKEN)
    @Operation(operationId = "getApiTokensByName", summary = "Get API tokens by name",
            description = "The tokens whose tokenName is exactly {token} (an empty list if none). The path is one template "
                    + "for reading by name and for updating or deleting by secret or identifier, as in Unleash.")
    public Uni<ApiTokenList> byName(@PathParam("token") String name) {
        return Uni.createFrom().item(() -> new ApiTokenList(service.listByName(name, caller.principal())));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Access(Permission.CREATE_API_TOKEN)
    @Operation(operationId = "createApiToken", summary = "Create API token",
            description = "Creates a client, backend or frontend token. The secret is in this response only.")
    @APIResponse(responseCode = "201", description = "Created; Location names it. The only answer with the full secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiTokenApi.ApiTokenView.class)))
    public Uni<Response> create(CreateApiTokenRequest request) {
        return service.create(request, Actor.of(caller)).map(view -> Created.at("api-tokens", view));
    }

    @PUT
    @Revocation
    @Path("{token}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Access(Permission.UPDATE_API_TOKEN)
    @Operation(operationId = "updateApiToken", summary = "Update API token",
            description = "Sets a new expiry; a date in the past revokes the token at once. {token} is the secret or "
                    + "the identifier shown in lists. An unknown token is answered 200 and nothing changes.")
    @APIResponse(responseCode = "200", description = "Updated (or no such token: nothing changed); no body")
    public Uni<Response> update(@PathParam("token") String token, UpdateApiTokenRequest request) {
        Validation.of(request).check(request.expiresAt() != null, "The expiresAt property is required.", "expiresAt")
                .orFail();
        return service.updateExpiry(token, request.expiresAt(), Actor.of(caller), caller.principal())
                .map(x -> Response.ok().build());
    }

    @POST
    @Path("{token}/rotate")
    @RequestBody(required = false,
            description = "Optional: when the old credential stops (default in 24 hours, at most 30 days)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Rotation.Request.class)))
    @Access(Permission.UPDATE_API_TOKEN)
    @Operation(operationId = "rotateApiToken", summary = "Rotate API token (Flagward)",
            description = "A new secret for the same token (name, type, environment, projects, expiry), shown once; the old "
                    + "secret keeps working until oldExpiresAt (default 24 hours, at most 30 days). {token} is the secret or "
                    + "the identifier shown in lists; an unknown token is 404.")
    @APIResponse(responseCode = "201", description = "Created; the new secret, shown once, and replaces",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiTokenApi.ApiTokenView.class)))
    public Uni<Response> rotate(@PathParam("token") String token, String body) {
        Rotation.Request request = OptionalBody.read(mapper, body, Rotation.Request.class);
        return service.rotate(token, request, Actor.of(caller), caller.principal())
                .map(view -> Created.at("api-tokens", view));
    }

    @DELETE
    @Revocation
    @Path("{token}")
    @Access(Permission.DELETE_API_TOKEN)
    @Operation(operationId = "deleteApiToken", summary = "Delete API token",
            description = "{token} is the secret or the identifier shown in lists. Unknown tokens are answered 200.")
    @APIResponse(responseCode = "200", description = "Deleted (or no such token); no body")
    public Uni<Response> delete(@PathParam("token") String token) {
        return service.delete(token, Actor.of(caller), caller.principal()).map(x -> Response.ok().build());
    }
}
