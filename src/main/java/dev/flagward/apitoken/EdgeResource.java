package dev.flagward.apitoken;

import dev.flagward.security.Public;
import dev.flagward.apitoken.ApiTokenApi.ValidateRequest;
import dev.flagward.apitoken.ApiTokenApi.ValidateResponse;
import dev.flagward.apitoken.ApiTokenApi.ValidatedToken;
import dev.flagward.security.ApiTokenPrincipal;
import dev.flagward.security.ApiTokenType;
import dev.flagward.security.Authenticator;
import dev.flagward.web.Validation;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** Token validation for Unleash Edge and other services: served from memory, no authentication (as in Unleash). */
@Path("/edge/validate")
@Public
@Tag(name = "Edge", description = "Validate SDK tokens")
public class EdgeResource {

    private final Authenticator authenticator;
    private final ApiTokenConfig config;
    private final Instance<EdgeSightings> sightings;

    public EdgeResource(Authenticator authenticator, ApiTokenConfig config, Instance<EdgeSightings> sightings) {
        this.authenticator = authenticator;
        this.config = config;
        this.sightings = sightings;
    }

    @POST
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getValidTokens", summary = "Which of these secrets are valid client, backend or frontend tokens")
    public Uni<ValidateResponse> validate(ValidateRequest request, @HeaderParam("UNLEASH-INSTANCEID") String instanceId) {
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
            checks.add(authenticator.validOrNull(secret, ApiTokenCredentialSource.KIND).map(found -> found == null ? null : toValidated(secret, found.principal())));
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

    private static ValidatedToken toValidated(String secret, dev.flagward.security.Principal principal) {
        if (principal instanceof ApiTokenPrincipal token && token.type().isSdk()) {
            // As Unleash 7 answers here: a backend token is "client" (Edge releases before the backend type know
            // only client, frontend and admin); lists and create responses keep "backend".
            String type = token.type() == ApiTokenType.BACKEND ? ApiTokenType.CLIENT.wireName() : token.type().wireName();
            return new ValidatedToken(secret, type, token.projects(), token.environment());
        }
        return null;
    }
}
