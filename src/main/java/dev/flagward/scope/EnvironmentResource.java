package dev.flagward.scope;

import dev.flagward.audit.Actor;
import dev.flagward.scope.ScopeApi.CreateEnvironmentRequest;
import dev.flagward.scope.ScopeApi.EnvironmentList;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.Created;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/admin/environments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Environments", description = "Environments that API tokens are bound to")
public class EnvironmentResource {

    @Inject
    ScopeService scopes;
    @Inject
    Caller caller;

    @GET
    @Access(Permission.READ)
    @Operation(operationId = "getAllEnvironments", summary = "Get all environments")
    public Uni<EnvironmentList> list() {
        return scopes.listEnvironments().map(list -> new EnvironmentList(1, list));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Access(Permission.ADMIN)
    @Operation(operationId = "createEnvironment", summary = "Create an environment")
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScopeApi.EnvironmentView.class)))
    @APIResponse(responseCode = "409", description = "NameExistsError: an environment with that name exists")
    public Uni<Response> create(CreateEnvironmentRequest request) {
        return scopes.createEnvironment(request, Actor.of(caller))
                .map(environment -> Created.at("/api/admin/environments/" + environment.name(), environment));
    }
}
