package dev.flagward.health;

import dev.flagward.security.access.Public;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Unleash's operational and readiness endpoints (SPEC §8.5). */
@Path("/")
@Public
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operational", description = "Health and readiness")
public class HealthResource {

    public record Health(String health) {

        static final Health GOOD = new Health("GOOD");
        static final Health BAD = new Health("BAD");
    }

    private final ReadinessCheck readiness;

    public HealthResource(@Readiness ReadinessCheck readiness) {
        this.readiness = readiness;
    }

    @GET
    @Path("health")
    @Operation(operationId = "getHealth", summary = "Get instance operational status: GOOD while the process serves")
    @NonBlocking // answered on the event loop: nothing to wait for, so no worker thread hop (issue 22)
    public Health health() {
        return Health.GOOD;
    }

    @GET
    @Path("ready")
    @Operation(operationId = "getReady",
            summary = "Get instance readiness status: GOOD when the database answers and credentials are loaded")
    @APIResponse(responseCode = "200", description = "Ready",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    @APIResponse(responseCode = "503", description = "Not ready: {\"health\": \"BAD\"}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    public Uni<Response> ready() {
        return readiness.ready().map(ok -> ok
                ? Response.ok(Health.GOOD).build()
                : Response.status(503).entity(Health.BAD).build());
    }
}
