package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.principal.Permission;
import dev.flagward.user.InviteLinkApi.CreateInviteLinkRequest;
import dev.flagward.user.InviteLinkApi.InviteLinkList;
import dev.flagward.user.InviteLinkApi.InviteLinkView;
import dev.flagward.user.InviteLinkApi.UpdateInviteLinkRequest;
import dev.flagward.web.Created;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Invite links, Unleash's public signup tokens (Admin only); signing up with one is {@link InviteResource}. */
@Path("/api/admin/invite-link")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Tag(name = "Public signup tokens", description = "Invite links: whoever holds one may sign up as a Viewer")
public class InviteLinkResource {

    @Inject
    InviteLinkService links;
    @Inject
    Caller caller;

    @GET
    @Path("tokens")
    @Operation(operationId = "getAllPublicSignupTokens", summary = "Retrieve all existing public signup tokens",
            description = "Newest first. secret is each link's identifier and url is null: the link is shown only when it is made.")
    public Uni<InviteLinkList> list() {
        return links.list().map(InviteLinkList::new);
    }

    @POST
    @Path("tokens")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "createPublicSignupToken", summary = "Create a public signup token",
            description = "{name, expiresAt}: expiresAt in the future, at most 30 days ahead (a later date is brought back "
                    + "to that). The answer is the only place the secret and the url are shown.")
    @APIResponse(responseCode = "201", description = "Created; Location names the new link by its identifier",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InviteLinkView.class)))
    public Uni<Response> create(CreateInviteLinkRequest request, @Context UriInfo uri) {
        return links.create(request, Actor.of(caller), uri.getBaseUri().toString()).map(view ->
        // Named by its identifier: the secret never goes into a header Flagward builds.
        Created.at("/api/admin/invite-link/tokens/" + CredentialFormat.parse(view.secret()).selector(), view));
    }

    @GET
    @Path("tokens/{token}")
    @Operation(operationId = "getPublicSignupToken", summary = "Retrieve a token",
            description = "{token} is the identifier lists show as secret, or the whole secret.")
    public Uni<InviteLinkView> get(@PathParam("token") String token) {
        return links.get(token);
    }

    @PUT
    @Revocation
    @Path("tokens/{token}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updatePublicSignupToken", summary = "Update a public signup token",
            description = "{expiresAt, enabled}, either or both; at once on every replica. In read-only mode only "
                    + "disabling or an earlier expiry is allowed.")
    @APIResponse(responseCode = "200", description = "The link as it is now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InviteLinkView.class)))
    public Uni<InviteLinkView> update(@PathParam("token") String token, UpdateInviteLinkRequest request) {
        return links.update(token, request, Actor.of(caller));
    }
}
