package dev.flagward.security.principal;

import java.util.List;

/**
 * An API token as the rest of the system sees it once authenticated.
 *
 * @param environment the environment, or "*" for admin tokens
 * @param projects    the projects, or ["*"] for all
 * @param replaces    the selector of the token this one replaced by rotation, or null
 * @param replacedBy  the selector of the token that replaced this one, or null
 */
public record ApiTokenPrincipal(String selector, String tokenName, ApiTokenType type, String environment,
        List<String> projects, String replaces, String replacedBy) implements Principal {

    /** A token that is not part of a rotation. */
    public ApiTokenPrincipal(String selector, String tokenName, ApiTokenType type, String environment,
            List<String> projects) {
        this(selector, tokenName, type, environment, projects, null, null);
    }

    @Override
    public String displayName() {
        return tokenName;
    }

    @Override
    public Long userId() {
        return null;
    }
}
