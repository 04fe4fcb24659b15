package dev.flagward.scope;

import dev.flagward.audit.Actor;
import dev.flagward.scope.ScopeApi.CreateProjectRequest;
import dev.flagward.scope.ScopeApi.ProjectList;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.Created;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
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

@Path("/api/admin/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Projects", description = "Projects that API tokens can be scoped to")
public class ProjectResource {

    @Inject
    ScopeService scopes;
    @Inject
    Caller caller;

    @GET
    @Access(Permission.READ)
    @Operation(operationId = "getProjects", summary = "Get all projects")
    public Uni<ProjectList> list() {
        return scopes.listProjects().map(list -> new ProjectList(1, list));
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Access(Permission.ADMIN)
    @Operation(operationId = "createProject", summary = "Create a project")
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScopeApi.ProjectView.class)))
    @APIResponse(responseCode = "409", description = "NameExistsError: a project with that id exists")
    public Uni<Response> create(CreateProjectRequest request) {
        return scopes.createProject(request, Actor.of(caller))
                .map(project -> Created.at("/api/admin/projects/" + project.id(), project));
    }

    @DELETE
    @Path("{id}")
    @Access(Permission.ADMIN)
    @Operation(operationId = "deleteProject", summary = "Delete a project and the API tokens scoped to it alone")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> delete(@PathParam("id") String id) {
        return scopes.deleteProject(id, Actor.of(caller)).map(x -> Response.ok().build());
    }
}
