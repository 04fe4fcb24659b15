package dev.flagward.security;

import java.util.List;

/**
 * An API token as the rest of the system sees it once authenticated.
 *
 * @param environment the environment, or "*" for admin tokens
 * @param projects    the projects, or ["*"] for all
 */
public record ApiTokenPrincipal(String selector, String tokenName, ApiTokenType type, String environment,
                                List<String> projects) implements Principal {

    @Override
    public String displayName() {
        return tokenName;
    }

    @Override
    public Long userId() {
        return null;
    }
}
