package dev.flagward.license;

import dev.flagward.audit.Actor;
import dev.flagward.license.LicenseApi.LicenseCheck;
import dev.flagward.license.LicenseApi.LicenseView;
import dev.flagward.license.LicenseApi.UpdateLicenseRequest;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.Created;
import dev.flagward.web.Validation;
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

@Path("/api/admin/license")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Tag(name = "Instance Admin", description = "Login history, statistics and license")
public class LicenseResource {

    @Inject
    LicenseService license;
    @Inject
    Caller caller;

    @GET
    @Operation(operationId = "getLicense", summary = "Get license")
    @APIResponse(responseCode = "200",
            description = "The installed license; {isValid: false} and nothing else when none is installed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LicenseApi.LicenseView.class)))
    public Object get() {
        return license.view();
    }

    /** Allowed in read-only mode: installing a license is how an instance leaves it. */
    @POST
    @Revocation
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updateLicense", summary = "Update license",
            description = "Installs a signed license. Invalid, forged, expired or older licenses are refused with 400 "
                    + "and the installed license stays.")
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LicenseApi.LicenseView.class)))
    public Uni<Response> install(UpdateLicenseRequest request) {
        Validation.of(request).check(request.token() != null, "The token property is required.", "token").orFail();
        return license.install(request.token(), Actor.of(caller)).map(view -> Created.at("/api/admin/license", view));
    }

    @GET
    @Path("check")
    @Operation(operationId = "validateLicense", summary = "Validate license")
    public Uni<LicenseCheck> check() {
        return license.check();
    }
}
