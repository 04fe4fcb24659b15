package dev.flagward.apitoken;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the API token endpoints, with Unleash's field names. */
public final class ApiTokenApi {

    private ApiTokenApi() {
    }

    public record CreateApiTokenRequest(String tokenName, String type, String environment, List<String> projects,
            String project, Instant expiresAt) {}

    public record UpdateApiTokenRequest(Instant expiresAt) {}

    /**
     * An API token as shown. {@code secret} is the full secret only in the create response; everywhere else it is
     * the token's public identifier (selector), which the update and delete endpoints also accept.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    /**
     * A token as listed and created. {@code replaces} and {@code replacedBy} (Flagward's rotation links, listed
     * identifiers) appear only on tokens that are part of a rotation.
     */
    public record ApiTokenView(@Schema(required = true) String secret, @Schema(required = true) String tokenName,
            @Schema(required = true) String type, @Schema(required = true) String environment,
            String project, @Schema(required = true) List<String> projects, Instant expiresAt,
            @Schema(required = true) Instant createdAt, Instant seenAt, String alias,
            boolean secure,
            @JsonInclude(JsonInclude.Include.NON_NULL) String replaces,
            @JsonInclude(JsonInclude.Include.NON_NULL) String replacedBy) {

        static ApiTokenView of(ApiToken token) {
            return withSecret(token, token.selector);
        }

        static ApiTokenView withSecret(ApiToken token, String secret) {
            List<String> projects = token.allProjects ? List.of("*") : List.copyOf(token.projects);
            return new ApiTokenView(secret, token.tokenName, token.type,
                    token.environment == null ? "*" : token.environment, String.join(",", projects), projects,
                    token.expiresAt, token.createdAt, token.seenAt, null, true, token.replaces, token.replacedBy);
        }
    }

    public record ApiTokenList(@Schema(required = true) List<ApiTokenView> tokens) {}

    public record ValidateRequest(List<String> tokens) {}

    public record ValidatedToken(@Schema(required = true) String token, @Schema(required = true) String type,
            @Schema(required = true) List<String> projects, @Schema(required = true) String environment) {}

    /** {@code POST /edge/issue-token}, Unleash's edgeEnvironmentProjectsListSchema. */
    public record EdgeIssueRequest(@Schema(required = true) List<EdgeTokenRequest> tokens) {}

    /** One environment and the projects a token of it should have ({@code ["*"]}: every project). */
    public record EdgeTokenRequest(@Schema(required = true) String environment,
            @Schema(required = true) List<String> projects) {}

    public record ValidateResponse(@Schema(required = true) List<ValidatedToken> tokens) {}
}
