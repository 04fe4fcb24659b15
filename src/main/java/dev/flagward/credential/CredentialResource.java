package dev.flagward.credential;

import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/admin/credentials")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Credentials", description = "Revoke leaked secrets of every kind in one call (Flagward)")
public class CredentialResource {

    @Inject
    LeakedSecrets leaked;
    @Inject
    Caller caller;

    public record RevokeLeakedRequest(List<String> secrets) {}

    @POST
    @Path("revoke-leaked")
    @Revocation
    @Access(Permission.ADMIN)
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "revokeLeakedCredentials", summary = "Revoke leaked secrets (Flagward)",
            description = "Up to 1000 secrets of any kind (API tokens, PATs, signal endpoint tokens). Each live credential "
                    + "whose secret is listed is revoked at once on every replica. Strings that are not Flagward secrets "
                    + "(a failing checksum) are counted as notOurs without any lookup. Works in read-only mode.")
    public Uni<LeakedSecrets.Result> revokeLeaked(RevokeLeakedRequest request) {
        return leaked.revoke(request == null ? null : request.secrets(), Actor.of(caller));
    }
}
