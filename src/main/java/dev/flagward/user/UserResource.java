package dev.flagward.user;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.user.UserApi.UpdateUserRequest;
import dev.flagward.user.UserApi.UserList;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.Created;
import dev.flagward.web.ETags;
import dev.flagward.web.PathParams;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** User administration (SPEC §5.1), Admin only. */
@Path("/api/admin/user-admin")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Tag(name = "Users", description = "Manage users")
public class UserResource {

    /**
     * A user's id in a path: digits only (a minus sign allowed, so "-1" is refused as an id, with 400, rather than
     * not found). Any other segment is not a user id, so a path Flagward lacks ({@code access}, {@code scim-users})
     * is answered 404 like every unknown path, instead of 400 "user id must be a positive whole number".
     */
    static final String ID = "{id: -?[0-9]+}";

    @Inject
    UserService users;
    @Inject
    PasswordService passwords;
    @Inject
    InactiveUserService inactiveUsers;
    @Inject
    PasswordResetService resets;
    @Inject
    Caller caller;
    @Inject
    ObjectMapper mapper;

    @GET
    @Operation(operationId = "getUsers", summary = "Get all users, newest first")
    @APIResponse(responseCode = "200",
            description = "With a weak ETag; If-None-Match that matches → 304 without a body",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserList.class)))
    @APIResponse(responseCode = "304", description = "Not Modified: If-None-Match matched the current ETag; no body")
    public Uni<Response> list(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return users.list().map(list -> ETags.ok(mapper, new UserList(list), ifNoneMatch));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "createUser", summary = "Create a user",
            description = "A user created without a password gets a welcome link (inviteLink in the answer, shown once) that "
                    + "sets it once within flagward.users.reset-token-ttl; it is mailed to the user when mail is on and "
                    + "sendEmail is not false (emailSent says whether it was).")
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserApi.UserView.class)))
    @APIResponse(responseCode = "409", description = "NameExistsError: a user with that username or email exists")
    public Uni<Response> create(CreateUserRequest request, @Context UriInfo uri) {
        return users.create(request, Actor.of(caller), uri.getBaseUri().toString())
                .map(user -> Created.at("/api/admin/user-admin/" + user.id(), user));
    }

    @GET
    @Path(ID)
    @Operation(operationId = "getUser", summary = "Get a user")
    public Uni<UserView> get(@PathParam("id") String id) {
        return users.get(PathParams.positiveId(id, "user"));
    }

    @PUT
    @Path(ID)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updateUser", summary = "Update a user's name, email or root role")
    @APIResponse(responseCode = "409", description = "NameExistsError: a user with that email exists")
    @APIResponse(responseCode = "200", description = "Updated: the user as it is now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserApi.UserView.class)))
    public Uni<UserView> update(@PathParam("id") String id, UpdateUserRequest request) {
        return users.update(PathParams.positiveId(id, "user"), request, Actor.of(caller));
    }

    @DELETE
    @Revocation
    @Path(ID)
    @Operation(operationId = "deleteUser", summary = "Delete a user: their sessions end and their PATs stop at once")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> delete(@PathParam("id") String id) {
        return users.delete(PathParams.positiveId(id, "user"), Actor.of(caller)).map(x -> Response.ok().build());
    }

    @POST
    @Path("reset-password")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "resetUserPassword", summary = "Reset user password",
            description = "{id}: the user's email (as Unleash sends it), username or id. Answers a link that sets the "
                    + "password once within flagward.users.reset-token-ttl, and mails it to the user when mail is on; "
                    + "the user's older links end.")
    @APIResponse(responseCode = "200", description = "The reset link",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserApi.ResetPasswordLink.class)))
    @APIResponse(responseCode = "404", description = "NotFoundError: no live user has that email, username or id")
    public Uni<UserApi.ResetPasswordLink> resetPassword(UserApi.IdRequest request, @Context UriInfo uri) {
        return resets.resetByAdmin(request == null ? null : request.id(), Actor.of(caller), uri.getBaseUri().toString())
                .map(UserApi.ResetPasswordLink::new);
    }

    // ------------------------------------------------------------------ seat management

    @GET
    @Path("search")
    @Operation(operationId = "searchUsers", summary = "Search users",
            description = "Live users whose username, email or name contains q (case-insensitive); fewer than 2 characters: none.")
    public Uni<List<UserView>> search(@QueryParam("q") String q) {
        return users.search(q);
    }

    @GET
    @Path("access")
    @Access(Permission.READ)
    @Operation(operationId = "getBaseUsersAndGroups", summary = "Get basic user and group information",
            description = "Every user, newest first, with what anyone signed in may see (id, name, username, email, "
                    + "accountType), for picking people; groups is empty (Flagward has none).")
    public Uni<UserApi.UsersAndGroups> baseUsersAndGroups() {
        return users.baseUsersAndGroups();
    }

    @GET
    @Path("admin-count")
    @Operation(operationId = "getAdminCount", summary = "Get total count of admin accounts")
    public Uni<UserApi.AdminCount> adminCount() {
        return users.adminCount();
    }

    @GET
    @Path("inactive")
    @Operation(operationId = "getInactiveUsers", summary = "Get inactive users",
            description = "Users with no sign-in and no PAT use for FLAGWARD_USERS_INACTIVE_AFTER (180 days).")
    public Uni<UserApi.InactiveUsers> inactive() {
        return inactiveUsers.list();
    }

    @POST
    @Revocation
    @Path("inactive/delete")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "deleteInactiveUsers", summary = "Delete inactive users",
            description = "Deletes those of the given users that are inactive; others are left alone. Frees read-only seats at once.")
    @APIResponse(responseCode = "200", description = "Deleted those of the ids that were inactive; no body")
    public Uni<Response> deleteInactive(UserApi.IdsRequest request) {
        return inactiveUsers.delete(request == null ? null : request.ids(), Actor.of(caller))
                .map(n -> Response.ok().build());
    }

    @POST
    @Path(ID + "/change-password")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "changeUserPassword", summary = "Change password for a user",
            description = "As an Admin. The password must pass validate-password's rules; the user's sessions end.")
    @APIResponse(responseCode = "200", description = "Changed; no body")
    public Uni<Response> changePassword(@PathParam("id") String id, UserApi.PasswordRequest request) {
        return passwords.change(PathParams.positiveId(id, "user"), request == null ? null : request.password(),
                Actor.of(caller)).map(x -> Response.ok().build());
    }

    @POST
    @Path("validate-password")
    @Access(Permission.READ)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "validateUserPassword", summary = "Validate password for a user",
            description = "200 when the password is strong enough: at least 10 characters, an uppercase and a lowercase "
                    + "letter, a number and a special character; otherwise 400 with one detail per broken rule.")
    @APIResponse(responseCode = "200", description = "Strong enough; no body")
    public Response validatePassword(UserApi.PasswordRequest request) {
        passwords.validate(request == null ? null : request.password());
        return Response.ok().build();
    }
}
