package dev.flagward.security.principal;

/**
 * A token that acts for one thing of a feature and nothing else (a signal endpoint's token), accepted only on that
 * feature's own endpoint (see {@code security.access.AuthenticatedBy}). Never a user, never on the admin API.
 *
 * @param tokenId the token's row id
 * @param scopeId the id of the thing it acts for (the signal endpoint)
 */
public record ScopedTokenPrincipal(long tokenId, String tokenName, long scopeId) implements Principal {

    @Override
    public String displayName() {
        return tokenName;
    }

    @Override
    public Long userId() {
        return null;
    }
}
