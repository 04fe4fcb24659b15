package dev.flagward.signal;

import dev.flagward.security.access.AuthenticatedBy;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Enterprise;
import dev.flagward.security.principal.ScopedTokenPrincipal;
import dev.flagward.signal.SignalApi.Accepted;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/signal-endpoint/{name}}: where senders deliver signals, with a token of that endpoint. The access
 * filter authenticates the token (401 first) and checks that a license is in force (403 after the token, so strangers
 * learn nothing); the body rules follow (415, 413, 400).
 */
@Path("/api/signal-endpoint/{name}")
@Tag(name = "Signals", description = "Signal endpoints, their tokens, and the signals they receive")
public class SignalInboundResource {

    @Inject
    SignalIngestion ingestion;
    @Inject
    Caller caller;
    @Inject
    SignalMetrics metrics;

    @POST
    @AuthenticatedBy(SignalTokenCredentialSource.KIND)
    @Enterprise
    @Produces(MediaType.APPLICATION_JSON)
    @RequestBody(required = false, description = "Any JSON object (stored as the signal's payload), or nothing ({})",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @Operation(operationId = "callSignalEndpoint", summary = "Call a signal endpoint",
            description = "Stores the JSON object in the body (or {} for none) as a signal of this endpoint; 202 with its "
                    + "id once committed. With a signing secret set, the call must carry a Standard Webhooks signature "
                    + "(webhook-id, webhook-timestamp, webhook-signature; or svix-id, svix-timestamp, svix-signature when "
                    + "no webhook-* header is present). A repeated webhook-id with the same body is answered with the "
                    + "first signal's id and stored once; with another body, 409.")
    @APIResponse(responseCode = "202", description = "Accepted: the id of the stored signal, once committed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "429",
            description = "RateLimitError: over the endpoint's rate; Retry-After says when to try again")
    @APIResponse(responseCode = "409",
            description = "NameExistsError: this webhook-id was already received with another body")
    @APIResponse(responseCode = "503",
            description = "ServiceUnavailableError: too many signals are waiting to be written; "
                    + "retry after Retry-After seconds")
    public Uni<Response> call(@PathParam("name") String name, byte[] body,
            @HeaderParam("webhook-id") String webhookId,
            @HeaderParam("webhook-timestamp") String webhookTimestamp,
            @HeaderParam("webhook-signature") String webhookSignature,
            @HeaderParam("svix-id") String svixId,
            @HeaderParam("svix-timestamp") String svixTimestamp,
            @HeaderParam("svix-signature") String svixSignature) {
        ScopedTokenPrincipal token = (ScopedTokenPrincipal) caller.principal();
        WebhookSignature.Headers headers = WebhookSignature.Headers.standardOrSvix(
                new WebhookSignature.Headers(webhookId, webhookTimestamp, webhookSignature),
                new WebhookSignature.Headers(svixId, svixTimestamp, svixSignature));
        return Uni.createFrom()
                .deferred(() -> ingestion.ingest(token, name, body == null ? new byte[0] : body, headers))
                .map(id -> {
                    metrics.accepted(token.scopeId());
                    return Response.accepted(new Accepted(id)).type(MediaType.APPLICATION_JSON).build();
                });
    }
}
