package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.CreateApiTokenRequest;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.principal.ApiTokenType;
import dev.flagward.web.Validation;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A token about to be created, from a validated request. {@code projects} null means all projects. */
record NewToken(String tokenName, ApiTokenType type, String environment, Set<String> projects, Instant expiresAt) {

    private static final String DEFAULT_ENVIRONMENT = "development";

    /** The body of a create request, checked field by field (400 naming every field that is wrong) at {@code now}. */
    static NewToken of(CreateApiTokenRequest request, Instant now) {
        Validation validation = Validation.of(request).requireText(request.tokenName(), "tokenName", 255);
        ApiTokenType type = ApiTokenType.fromWire(request.type());
        validation.check(request.type() != null && !request.type().isBlank(), "The type property is required.", "type");
        validation.check(request.type() == null || request.type().isBlank() || type != null,
                "The type must be one of client, backend or frontend.", "type");
        validation.check(type != ApiTokenType.ADMIN,
                "Admin tokens cannot be created through the API; configure them with INIT_ADMIN_API_TOKENS.", "type");
        String environment = request.environment() == null ? DEFAULT_ENVIRONMENT : request.environment().strip();
        validation.check(!environment.isEmpty(), "The environment may not be empty.", "environment");
        validation.check(!"*".equals(environment),
                "Client, backend and frontend tokens belong to one environment; '*' is not allowed.", "environment");
        List<String> projects = request.projects();
        if (projects == null && request.project() != null) {
            projects = List.of(request.project());
        } else if (projects != null && request.project() != null
                && !(projects.size() == 1 && projects.get(0).equals(request.project()))) {
            validation.check(false, "project and projects disagree; send only projects.", "project");
        }
        if (projects == null) {
            projects = List.of("*");
        }
        validation.check(!projects.isEmpty(), "The projects list may not be empty; use [\"*\"] for all projects.",
                "projects");
        validation.check(projects.stream().allMatch(p -> p != null && !p.isBlank() && p.length() <= 100),
                "Every project must be a non-empty id.", "projects");
        validation.check(request.expiresAt() == null || request.expiresAt().isAfter(now),
                "The expiresAt date must be in the future.", "expiresAt");
        validation.orFail();
        Set<String> scoped = projects.contains("*") ? null : new LinkedHashSet<>(projects);
        return new NewToken(request.tokenName().strip(), type, environment, scoped, request.expiresAt());
    }

    /** The row to store: this token with the minted selector and verifier. */
    ApiToken row(CredentialFormat.Minted minted, Instant createdAt, String createdBy) {
        ApiToken token = new ApiToken();
        token.selector = minted.selector();
        token.verifier = minted.verifier();
        token.tokenName = tokenName;
        token.type = type.wireName();
        token.environment = environment;
        token.allProjects = projects == null;
        token.projects = projects == null ? new TreeSet<>() : new TreeSet<>(projects);
        token.expiresAt = expiresAt;
        token.createdAt = createdAt;
        token.createdBy = createdBy;
        return token;
    }

    String prefix() {
        return prefix(projects, environment);
    }

    /** The secret prefix a token of this scope is minted with; null projects or environment: all of them. */
    static String prefix(Set<String> projects, String environment) {
        String projectPart = projects == null ? "*" : projects.size() == 1 ? projects.iterator().next() : "[]";
        return projectPart + ":" + (environment == null ? "*" : environment) + ".";
    }

    /** The prefix of a stored token (an admin token's is {@code *:*.}). */
    static String prefixOf(ApiToken token) {
        return prefix(token.allProjects ? null : token.projects, token.environment);
    }
}
