package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.security.Access;
import dev.flagward.security.Caller;
import dev.flagward.security.Permission;
import dev.flagward.security.Revocation;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.user.UserApi.UpdateUserRequest;
import dev.flagward.user.UserApi.UserList;
import dev.flagward.user.UserApi.UserView;
import dev.flagward.web.Created;
import dev.flagward.web.PathParams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** User administration (SPEC §5.1), Admin only. */
@Path("/api/admin/user-admin")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Tag(name = "Users", description = "Manage users")
public class UserResource {

    private final UserService users;
    private final Caller caller;

    public UserResource(UserService users, Caller caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getUsers", summary = "Get all users, newest first")
    public Uni<UserList> list() {
        return users.list().map(UserList::new);
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "createUser", summary = "Create a user")
    public Uni<Response> create(CreateUserRequest request) {
        return users.create(request, Actor.of(caller)).map(user -> Created.at("/api/admin/user-admin/" + user.id(), user));
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getUser", summary = "Get a user")
    public Uni<UserView> get(@PathParam("id") String id) {
        return users.get(PathParams.positiveId(id, "user"));
    }

    @PUT
    @Path("{id}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updateUser", summary = "Update a user's name, email or root role")
    public Uni<UserView> update(@PathParam("id") String id, UpdateUserRequest request) {
        return users.update(PathParams.positiveId(id, "user"), request, Actor.of(caller));
    }

    @DELETE
    @Revocation
    @Path("{id}")
    @Operation(operationId = "deleteUser", summary = "Delete a user: their sessions end and their PATs stop at once")
    public Uni<Response> delete(@PathParam("id") String id) {
        return users.delete(PathParams.positiveId(id, "user"), Actor.of(caller)).map(x -> Response.ok().build());
    }
}
