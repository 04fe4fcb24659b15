package dev.flagward.security.principal;

/** A user, authenticated by a personal access token or a session. */
public record UserPrincipal(long id, String username, RootRole rootRole) implements Principal {

    @Override
    public String displayName() {
        return username;
    }

    @Override
    public Long userId() {
        return id;
    }
}
