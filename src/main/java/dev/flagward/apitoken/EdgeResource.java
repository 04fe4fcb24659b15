package dev.flagward.apitoken;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.apitoken.ApiTokenApi.ValidateRequest;
import dev.flagward.apitoken.ApiTokenApi.ValidateResponse;
import dev.flagward.apitoken.ApiTokenApi.ValidatedToken;
import dev.flagward.audit.Actor;
import dev.flagward.security.access.Caller;
import dev.flagward.security.access.HmacSigned;
import dev.flagward.security.access.Public;
import dev.flagward.security.authentication.Authenticator;
import dev.flagward.security.principal.ApiTokenPrincipal;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.security.principal.Principal;
import dev.flagward.web.OptionalBody;
import dev.flagward.web.Validation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Unleash Edge's endpoints: token validation for Edge and other services (served from memory, no authentication, as in
 * Unleash), and token issuing for Edge clients that sign their requests.
 */
@Path("/edge")
@Public
@Tag(name = "Edge", description = "Validate SDK tokens")
public class EdgeResource {

    @Inject
    Authenticator authenticator;
    @Inject
    ApiTokenConfig config;
    @Inject
    Instance<EdgeSightings> sightings;
    @Inject
    EdgeClients clients;
    @Inject
    EdgeTokenService edgeTokens;
    @Inject
    ObjectMapper mapper;
    @Inject
    Caller caller;

    @POST
    @Path("issue-token")
    @HmacSigned
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiTokenApi.EdgeIssueRequest.class)))
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "edgeCreateOrReturnTokens",
            summary = "Get or create valid tokens for the requested environment",
            description = "{tokens: [{environment, projects}]}: a valid backend token for each environment and projects "
                    + "(\"*\" among them: every project), in the order asked; the one already issued for that pair while it is "
                    + "usable (not expired, deleted or rotated), else a new one named enterprise_edge_<environment>_<projects>, "
                    + "listed, limited and revocable like every API token. One token per pair, whichever Edge client or "
                    + "replica asks. The body's signature is checked before anything else is read from it, so a body that is "
                    + "not JSON (415) or too large (413) is refused first.")
    @APIResponse(responseCode = "200", description = "The tokens, with their secrets",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ValidateResponse.class)))
    @APIResponse(responseCode = "401",
            description = "No HMAC signature (AuthenticationRequired), or one that does not verify, "
                    + "a missing header, a timestamp more than 5 minutes off, a body that is not the one hashed, a nonce used already "
                    + "(UnauthorizedError)")
    @APIResponse(responseCode = "403", description = "FLAGWARD_SECRETS_KEY is not configured (OperationDeniedError); "
            + "a new token is needed and the license has expired past its grace period (LicenseError)")
    public Uni<ValidateResponse> issueTokens(byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam("x-timestamp") String timestamp, @HeaderParam("x-nonce") String nonce,
            @HeaderParam("content-sha256") String contentSha256) {
        byte[] raw = body == null ? new byte[0] : body;
        EdgeClients.Signed signed = clients.verify(authorization, timestamp, nonce, contentSha256, raw);
        ApiTokenApi.EdgeIssueRequest request = raw.length == 0
                ? null
                : OptionalBody.read(mapper, new String(raw, StandardCharsets.UTF_8),
                        ApiTokenApi.EdgeIssueRequest.class);
        Actor actor = new Actor("edge:" + signed.clientId(), null, caller.address());
        return edgeTokens.issue(signed, request, actor).map(ValidateResponse::new);
    }

    @POST
    @Path("validate")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getValidTokens",
            summary = "Which of these secrets are valid client, backend or frontend tokens")
    public Uni<ValidateResponse> validate(ValidateRequest request,
            @HeaderParam("UNLEASH-INSTANCEID") String instanceId) {
        Validation.of(request)
                .check(request.tokens() != null, "The tokens property is required: a list of secrets.", "tokens")
                .check(request.tokens() == null || request.tokens().size() <= config.maxValidateBatch(),
                        "At most " + config.maxValidateBatch() + " tokens can be validated at once.", "tokens")
                .check(request.tokens() == null || request.tokens().stream().allMatch(t -> t != null),
                        "Every token must be a string.", "tokens")
                .orFail();
        List<String> secrets = request.tokens();
        if (secrets.size() == 1) {
            String secret = secrets.get(0);
            return authenticator.validOrNull(secret, ApiTokenCredentialSource.KIND).map(found -> {
                ValidatedToken valid = found == null ? null : toValidated(secret, found.principal());
                return answer(valid == null ? List.of() : List.of(valid), instanceId);
            });
        }
        List<Uni<ValidatedToken>> checks = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            checks.add(authenticator.validOrNull(secret, ApiTokenCredentialSource.KIND)
                    .map(found -> found == null ? null : toValidated(secret, found.principal())));
        }
        if (checks.isEmpty()) {
            return Uni.createFrom().item(new ValidateResponse(List.of()));
        }
        return Uni.join().all(checks).andFailFast()
                .map(results -> answer(results.stream().filter(r -> r != null).toList(), instanceId));
    }

    /** Only a call that validated something counts its Edge instance: strangers cannot inflate the license's count. */
    private ValidateResponse answer(List<ValidatedToken> valid, String instanceId) {
        if (!valid.isEmpty() && instanceId != null) {
            sightings.forEach(sighting -> sighting.validated(instanceId));
        }
        return new ValidateResponse(valid);
    }

    private static ValidatedToken toValidated(String secret, Principal principal) {
        if (principal instanceof ApiTokenPrincipal token && token.type().isSdk()) {
            // As Unleash 7 answers here: a backend token is "client" (Edge releases before the backend type know
            // only client, frontend and admin); lists and create responses keep "backend".
            String type = token.type() == ApiTokenType.BACKEND
                    ? ApiTokenType.CLIENT.wireName()
                    : token.type().wireName();
            return new ValidatedToken(secret, type, token.projects(), token.environment());
        }
        return null;
    }
}
