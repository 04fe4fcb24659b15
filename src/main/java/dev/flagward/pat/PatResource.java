package dev.flagward.pat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.audit.Actor;
import dev.flagward.pat.PatApi.CreatePatRequest;
import dev.flagward.pat.PatApi.PatList;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.web.Created;
import dev.flagward.web.ETags;
import dev.flagward.web.OptionalBody;
import dev.flagward.web.PathParams;
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

/** The signed-in user's personal access tokens. API tokens are refused (403 ForbiddenError): a PAT belongs to a user. */
@Path("/api/admin/user/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.SELF)
@Tag(name = "Personal access tokens", description = "Create, list and delete your personal access tokens")
public class PatResource {

    @Inject
    PatService pats;
    @Inject
    Caller caller;
    @Inject
    ObjectMapper mapper;

    private UserPrincipal user() {
        return (UserPrincipal) caller.principal();
    }

    @GET
    @Operation(operationId = "getPats", summary = "Get all personal access tokens (PATs) for the current user.")
    @APIResponse(responseCode = "200",
            description = "With a weak ETag; If-None-Match that matches → 304 without a body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PatList.class)))
    @APIResponse(responseCode = "304", description = "Not Modified: If-None-Match matched the current ETag; no body")
    public Uni<Response> list(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return pats.list(user()).map(list -> ETags.ok(mapper, new PatList(list), ifNoneMatch));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "createPat", summary = "Create a new personal access token (PAT) for the current user.")
    @APIResponse(responseCode = "201", description = "Created; Location names it. The only answer with the secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PatApi.CreatedPat.class)))
    @APIResponse(responseCode = "409", description = "NameExistsError: you already have a token with that description")
    @APIResponse(responseCode = "403",
            description = "OperationDeniedError: you have the maximum number of tokens; or the caller is not a user (ForbiddenError)")
    public Uni<Response> create(CreatePatRequest request) {
        return pats.create(user(), request, Actor.of(caller))
                .map(created -> Created.at("/api/admin/user/tokens/" + created.id(), created));
    }

    @POST
    @Path("{id}/rotate")
    @RequestBody(required = false,
            description = "Optional: when the old credential stops (default in 24 hours, at most 30 days)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Rotation.Request.class)))
    @Operation(operationId = "rotatePat", summary = "Rotate one of your personal access tokens (Flagward)",
            description = "A new secret with the same description and expiry, shown once; the old secret keeps working "
                    + "until oldExpiresAt (default 24 hours, at most 30 days).")
    @APIResponse(responseCode = "201", description = "Created; the new secret, shown once, and replaces",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PatApi.CreatedPat.class)))
    public Uni<Response> rotate(@PathParam("id") String id, String body) {
        Rotation.Request request = OptionalBody.read(mapper, body, Rotation.Request.class);
        return pats.rotate(user(), PathParams.positiveId(id, "PAT"), request, Actor.of(caller))
                .map(created -> Created.at("/api/admin/user/tokens/" + created.id(), created));
    }

    @DELETE
    @Revocation
    @Path("{id}")
    @Operation(operationId = "deletePat", summary = "Delete a personal access token (PAT) for the current user.")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> delete(@PathParam("id") String id) {
        return pats.delete(user(), PathParams.positiveId(id, "PAT"), Actor.of(caller)).map(x -> Response.ok().build());
    }
}
