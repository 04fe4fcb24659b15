package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Public;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Signing up with an invite link (Unleash's {@code /invite}). Anyone may call it: the link's secret in the path is the
 * credential, checked by the service against the database on every call.
 */
@Path("/invite")
@Public
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Public signup tokens", description = "Invite links: whoever holds one may sign up as a Viewer")
public class InviteResource {

    @Inject
    InviteLinkService links;
    @Inject
    Caller caller;

    @GET
    @Path("{token}/validate")
    @Operation(operationId = "validatePublicSignupToken", summary = "Validate a public signup token",
            description = "Whether the link exists, is enabled and has not expired.")
    @APIResponse(responseCode = "200", description = "People may sign up with it; no body")
    @APIResponse(responseCode = "400", description = "BadDataError: the link is unknown, disabled or has expired")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many calls from this address; Retry-After says when to try again")
    public Uni<Response> validate(@PathParam("token") String token) {
        return links.validate(token, caller.address()).map(x -> Response.ok().build());
    }

    @POST
    @Path("{token}/signup")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "addPublicSignupTokenUser", summary = "Add a user via a signup token",
            description = "{email, name, password, username}: creates a Viewer, who takes a read-only seat of the license. "
                    + "The password must pass validate-password's rules.")
    @APIResponse(responseCode = "201",
            description = "Signed up: the new user (they sign in with POST /auth/simple/login)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "BadDataError: the link is not valid or the body is not; "
            + "ExceedsLimitError: the license has no read-only seat left")
    @APIResponse(responseCode = "403", description = "LicenseError: the license has expired beyond its grace period")
    @APIResponse(responseCode = "409", description = "NameExistsError: a user with that username or email exists")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many calls from this address; Retry-After says when to try again")
    public Uni<Response> signup(@PathParam("token") String token, UserApi.InvitedUserRequest request) {
        if (request == null) {
            throw ApiException.badData("A body {email, name, password} is required.", "/body");
        }
        return links.signup(token, request, Actor.of(caller))
                .map(user -> Response.status(Response.Status.CREATED).entity(user).build());
    }
}
