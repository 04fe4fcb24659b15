package dev.flagward.apitoken;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.apitoken.ApiTokenApi.ApiTokenList;
import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.Created;
import dev.flagward.web.ETags;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
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

/**
 * A project's API tokens, as Unleash's project API token controller has them: the same tokens, secrets, limit,
 * events and revocation as {@code /api/admin/api-tokens}, seen through one project.
 */
@Path("/api/admin/projects/{projectId}/api-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Projects", description = "Projects that API tokens can be scoped to")
public class ProjectApiTokenResource {

    @Inject
    ProjectApiTokenService service;
    @Inject
    Caller caller;
    @Inject
    ObjectMapper mapper;

    @GET
    @Access(Permission.READ_PROJECT_API_TOKEN)
    @Operation(operationId = "getProjectApiTokens", summary = "Get api tokens for project.",
            description = "The client, backend and frontend tokens scoped to this project, alone or with other projects, "
                    + "newest first; never the secrets. Tokens of every project (*) are listed only at /api/admin/api-tokens. "
                    + "An unknown project is 404.")
    @APIResponse(responseCode = "200",
            description = "With a weak ETag; If-None-Match that matches → 304 without a body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiTokenList.class)))
    @APIResponse(responseCode = "304", description = "Not Modified: If-None-Match matched the current ETag; no body")
    public Uni<Response> list(@PathParam("projectId") String projectId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return service.list(projectId).map(tokens -> ETags.ok(mapper, new ApiTokenList(tokens), ifNoneMatch));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Access(Permission.CREATE_PROJECT_API_TOKEN)
    @Operation(operationId = "createProjectApiToken", summary = "Create a project API token.",
            description = "{tokenName, type, environment, expiresAt}: a client, backend or frontend token whose only project "
                    + "is this one (projects or project in the body, if given, must name it). The secret is in this response "
                    + "only. The instance's token limit applies. An unknown project is 404.")
    @APIResponse(responseCode = "201",
            description = "Created; Location: api-tokens, as Unleash sends it. The only answer with the full secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiTokenApi.ApiTokenView.class)))
    public Uni<Response> create(@PathParam("projectId") String projectId, CreateApiTokenRequest request) {
        return service.create(projectId, request, Actor.of(caller)).map(view -> Created.at("api-tokens", view));
    }

    @DELETE
    @Revocation
    @Path("{token}")
    @Access(Permission.DELETE_PROJECT_API_TOKEN)
    @Operation(operationId = "deleteProjectApiToken", summary = "Delete a project API token.",
            description = "{token} is the secret or the identifier shown in lists. Only a token whose one project is this "
                    + "one is deleted here; a token of several projects is 400 (delete it at /api/admin/api-tokens/{token}), "
                    + "and a token that is not one of this project's (unknown, another project's, every project's) is 404, "
                    + "as Unleash answers.")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> delete(@PathParam("projectId") String projectId, @PathParam("token") String token) {
        return service.delete(projectId, token, Actor.of(caller), caller.principal()).map(x -> Response.ok().build());
    }
}
