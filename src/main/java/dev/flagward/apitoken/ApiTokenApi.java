package dev.flagward.apitoken;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the API token endpoints, with Unleash's field names. */
public final class ApiTokenApi {

    private ApiTokenApi() {
    }

    public record CreateApiTokenRequest(String tokenName, String type, String environment, List<String> projects,
                                        String project, Instant expiresAt) {
    }

    public record UpdateApiTokenRequest(Instant expiresAt) {
    }

    /**
     * An API token as shown. {@code secret} is the full secret only in the create response; everywhere else it is
     * the token's public identifier (selector), which the update and delete endpoints also accept.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ApiTokenView(String secret, String tokenName, String type, String environment, String project,
                               List<String> projects, Instant expiresAt, Instant createdAt, Instant seenAt, String alias,
                               boolean secure) {

        static ApiTokenView of(ApiToken token) {
            return withSecret(token, token.selector);
        }

        static ApiTokenView withSecret(ApiToken token, String secret) {
            List<String> projects = token.allProjects ? List.of("*") : List.copyOf(token.projects);
            return new ApiTokenView(secret, token.tokenName, token.type,
                    token.environment == null ? "*" : token.environment, String.join(",", projects), projects,
                    token.expiresAt, token.createdAt, token.seenAt, null, true);
        }
    }

    public record ApiTokenList(List<ApiTokenView> tokens) {
    }

    public record ValidateRequest(List<String> tokens) {
    }

    public record ValidatedToken(String token, String type, List<String> projects, String environment) {
    }

    public record ValidateResponse(List<ValidatedToken> tokens) {
    }
}
