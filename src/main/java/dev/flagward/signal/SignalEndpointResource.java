package dev.flagward.signal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.audit.Actor;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Enterprise;
import dev.flagward.security.access.Revocation;
import dev.flagward.security.principal.Permission;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.signal.SignalApi.CreatedSignalEndpointToken;
import dev.flagward.signal.SignalApi.EndpointSignalList;
import dev.flagward.signal.SignalApi.SignalEndpointList;
import dev.flagward.signal.SignalApi.SignalEndpointRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenList;
import dev.flagward.signal.SignalApi.SignalEndpointTokenRequest;
import dev.flagward.signal.SignalApi.SignalEndpointTokenView;
import dev.flagward.signal.SignalApi.SignalEndpointView;
import dev.flagward.web.Created;
import dev.flagward.web.OptionalBody;
import dev.flagward.web.PathParams;
import dev.flagward.web.QueryParams;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Signal endpoints and their tokens (SPEC §6.2): Admin only, enterprise. */
@Path("/api/admin/signal-endpoints")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Enterprise
@Tag(name = "Signals", description = "Signal endpoints, their tokens, and the signals they receive")
public class SignalEndpointResource {

    @Inject
    SignalEndpointService endpoints;
    @Inject
    SignalTokenService endpointTokens;
    @Inject
    SigningSecretService signingSecrets;
    @Inject
    SignalQueries queries;
    @Inject
    Caller caller;
    @Inject
    ObjectMapper mapper;

    private static long id(String value) {
        return PathParams.positiveId(value, "signal endpoint");
    }

    /** Where senders call an endpoint, as this request reached the service (proxy headers when trusted). */
    private static String callUrl(UriInfo uri, String name) {
        return uri.getBaseUriBuilder().path("api/signal-endpoint").path(name).build().toString();
    }

    @GET
    @Operation(operationId = "getSignalEndpoints", summary = "Get all signal endpoints, newest first")
    public Uni<SignalEndpointList> list() {
        return endpoints.list().map(SignalEndpointList::new);
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "createSignalEndpoint", summary = "Create a signal endpoint")
    @APIResponse(responseCode = "201", description = "Created; Location names the new resource",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalApi.SignalEndpointView.class)))
    @APIResponse(responseCode = "409", description = "NameExistsError: an endpoint with that name exists")
    public Uni<Response> create(SignalEndpointRequest request, @Context UriInfo uri) {
        return endpoints.create(request, Actor.of(caller)).map(
                view -> Created.at("/api/admin/signal-endpoints/" + view.id(), view.at(callUrl(uri, view.name()))));
    }

    @PUT
    @Path("{id}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updateSignalEndpoint", summary = "Update a signal endpoint")
    @APIResponse(responseCode = "409", description = "NameExistsError: an endpoint with that name exists")
    @APIResponse(responseCode = "200", description = "Updated: the endpoint as it is now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalApi.SignalEndpointView.class)))
    public Uni<SignalEndpointView> update(@PathParam("id") String id, SignalEndpointRequest request,
            @Context UriInfo uri) {
        return endpoints.update(id(id), request, Actor.of(caller)).map(view -> view.at(callUrl(uri, view.name())));
    }

    @DELETE
    @Revocation
    @Path("{id}")
    @Operation(operationId = "deleteSignalEndpoint", summary = "Delete a signal endpoint, its tokens and its signals")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> delete(@PathParam("id") String id) {
        return endpoints.delete(id(id), Actor.of(caller)).map(x -> Response.ok().build());
    }

    @POST
    @Path("{id}/on")
    @Operation(operationId = "enableSignalEndpoint", summary = "Enable a signal endpoint")
    public Uni<SignalEndpointView> enable(@PathParam("id") String id) {
        return endpoints.setEnabled(id(id), true, Actor.of(caller));
    }

    @POST
    @Path("{id}/off")
    @Operation(operationId = "disableSignalEndpoint", summary = "Disable a signal endpoint: calls to it answer 404")
    public Uni<SignalEndpointView> disable(@PathParam("id") String id) {
        return endpoints.setEnabled(id(id), false, Actor.of(caller));
    }

    @GET
    @Path("{signalEndpointId}/tokens")
    @Operation(operationId = "getSignalEndpointTokens",
            summary = "Get a signal endpoint's tokens (never their secrets)")
    public Uni<SignalEndpointTokenList> tokens(@PathParam("signalEndpointId") String endpointId) {
        return endpointTokens.list(id(endpointId)).map(SignalEndpointTokenList::new);
    }

    @POST
    @Path("{signalEndpointId}/tokens")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "addSignalEndpointToken",
            summary = "Create a signal endpoint token; its secret is in this response only")
    @APIResponse(responseCode = "201", description = "Created; Location names it. The only answer with the token",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalApi.CreatedSignalEndpointToken.class)))
    public Uni<Response> createToken(@PathParam("signalEndpointId") String endpointId,
            SignalEndpointTokenRequest request) {
        long endpoint = id(endpointId);
        return endpointTokens.create(endpoint, request, Actor.of(caller))
                .map((CreatedSignalEndpointToken token) -> Created
                        .at("/api/admin/signal-endpoints/" + endpoint + "/tokens/" + token.id(), token));
    }

    @PUT
    @Path("{signalEndpointId}/tokens/{id}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "updateSignalEndpointToken", summary = "Rename a signal endpoint token")
    public Uni<SignalEndpointTokenView> updateToken(@PathParam("signalEndpointId") String endpointId,
            @PathParam("id") String id, SignalEndpointTokenRequest request) {
        return endpointTokens.update(id(endpointId), PathParams.positiveId(id, "token"), request, Actor.of(caller));
    }

    @POST
    @Path("{signalEndpointId}/tokens/{id}/rotate")
    @RequestBody(required = false,
            description = "Optional: when the old credential stops (default in 24 hours, at most 30 days)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Rotation.Request.class)))
    @Operation(operationId = "rotateSignalEndpointToken", summary = "Rotate a signal endpoint token (Flagward)",
            description = "A new secret with the same name, shown once; the old secret keeps working until oldExpiresAt "
                    + "(default 24 hours, at most 30 days).")
    @APIResponse(responseCode = "201", description = "Created; the new token, shown once, and replaces",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalApi.CreatedSignalEndpointToken.class)))
    public Uni<Response> rotateToken(@PathParam("signalEndpointId") String endpointId, @PathParam("id") String id,
            String body) {
        Rotation.Request request = OptionalBody.read(mapper, body, Rotation.Request.class);
        long endpoint = id(endpointId);
        return endpointTokens.rotate(endpoint, PathParams.positiveId(id, "token"), request, Actor.of(caller))
                .map(created -> Created.at("/api/admin/signal-endpoints/" + endpoint + "/tokens/" + created.id(),
                        created));
    }

    @DELETE
    @Revocation
    @Path("{signalEndpointId}/tokens/{id}")
    @Operation(operationId = "deleteSignalEndpointToken", summary = "Delete a signal endpoint token; it stops at once")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> deleteToken(@PathParam("signalEndpointId") String endpointId, @PathParam("id") String id) {
        return endpointTokens.delete(id(endpointId), PathParams.positiveId(id, "token"), Actor.of(caller))
                .map(x -> Response.ok().build());
    }

    @GET
    @Path("{id}/signals")
    @Operation(operationId = "getSignalEndpointSignals", summary = "Get a signal endpoint's signals, newest first")
    public Uni<EndpointSignalList> signals(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        return queries.ofEndpoint(id(id), QueryParams.intParam(limit, "limit", 50, 1, SignalQueries.MAX_LIMIT),
                QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE)).map(EndpointSignalList::new);
    }

    @POST
    @Path("{id}/signing-secret")
    @Operation(operationId = "createSignalEndpointSigningSecret",
            summary = "Create (or rotate) the signing secret; shown once",
            description = "Calls must then carry a Standard Webhooks signature. A secret it replaces keeps verifying for 24 hours.")
    @APIResponse(responseCode = "201", description = "Created; the secret, shown once",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SignalApi.SigningSecret.class)))
    public Uni<Response> createSigningSecret(@PathParam("id") String id) {
        long endpoint = id(id);
        return signingSecrets.create(endpoint, Actor.of(caller))
                .map(secret -> Created.at("/api/admin/signal-endpoints/" + endpoint + "/signing-secret", secret));
    }

    /** Not a revocation: it lets unsigned calls in again, so read-only mode refuses it like any other weakening write. */
    @DELETE
    @Path("{id}/signing-secret")
    @Operation(operationId = "deleteSignalEndpointSigningSecret",
            summary = "Delete the signing secret: signatures are no longer required")
    @APIResponse(responseCode = "200", description = "Deleted; no body")
    public Uni<Response> deleteSigningSecret(@PathParam("id") String id) {
        return signingSecrets.delete(id(id), Actor.of(caller)).map(x -> Response.ok().build());
    }
}
