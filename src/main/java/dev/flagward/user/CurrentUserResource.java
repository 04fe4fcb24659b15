package dev.flagward.user;

import dev.flagward.security.Access;
import dev.flagward.security.Caller;
import dev.flagward.security.Permission;
import dev.flagward.security.UserPrincipal;
import dev.flagward.user.UserApi.CurrentUser;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/admin/user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users", description = "Manage users")
public class CurrentUserResource {

    private final UserService users;
    private final Caller caller;

    public CurrentUserResource(UserService users, Caller caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Access(Permission.SELF)
    @Operation(operationId = "getMe", summary = "Get the signed-in user and their permissions")
    public Uni<CurrentUser> me() {
        return users.current((UserPrincipal) caller.principal());
    }
}
