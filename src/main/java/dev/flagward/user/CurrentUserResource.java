package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.authentication.Authenticator;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.user.UserApi.CurrentUser;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/admin/user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users", description = "Manage users")
public class CurrentUserResource {

    @Inject
    UserService users;
    @Inject
    PasswordService passwords;
    @Inject
    Caller caller;

    @GET
    @Access(Permission.SELF)
    @Operation(operationId = "getMe", summary = "Get the signed-in user and their permissions")
    public Uni<CurrentUser> me() {
        return users.current((UserPrincipal) caller.principal());
    }

    @GET
    @Path("profile")
    @Access(Permission.SELF)
    @Operation(operationId = "getProfile", summary = "Get your own user profile",
            description = "Unleash's profile: your root role (with what it may do), and whether you have a password to change. "
                    + "projects, groups, subscriptions and features are empty: Flagward has no project memberships, groups, "
                    + "email subscriptions or feature flags; the root role decides in every project.")
    public Uni<UserApi.Profile> profile() {
        return users.profile((UserPrincipal) caller.principal());
    }

    @GET
    @Path("roles")
    @Access(Permission.SELF)
    @Operation(operationId = "getUserRoles", summary = "Get roles for currently logged in user",
            description = "The roles you hold in the project projectId (required): in Flagward, your root role, which decides "
                    + "in every project (there are no project roles). An unknown project is 404.")
    @APIResponse(responseCode = "200", description = "Your roles in the project",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserApi.Roles.class)))
    @APIResponse(responseCode = "404", description = "NotFoundError: no project with that id")
    public Uni<UserApi.Roles> roles(@QueryParam("projectId") String projectId) {
        return users.rolesIn((UserPrincipal) caller.principal(), projectId);
    }

    @POST
    @Path("change-password")
    @Access(Permission.SELF)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "changeMyPassword", summary = "Change your password",
            description = "{password, confirmPassword, oldPassword}: the current password is required; every other session "
                    + "of yours ends (the one making this call stays).")
    @APIResponse(responseCode = "200", description = "Changed; no body")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many checks of the current password; Retry-After says when to try again")
    public Uni<Response> changePassword(UserApi.ChangeMyPasswordRequest request,
            @CookieParam(Authenticator.SESSION_COOKIE) String session) {
        if (request == null) {
            throw ApiException.badData("A body {password, oldPassword} is required.", "/body");
        }
        CredentialFormat.Parsed current = session == null
                ? null
                : CredentialFormat.parse(session);
        return passwords
                .changeOwn((UserPrincipal) caller.principal(), request, current == null ? null : current.selector(),
                        Actor.of(caller))
                .map(x -> Response.ok().build());
    }
}
