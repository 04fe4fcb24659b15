package dev.flagward.security.principal;

/** Who is calling: an API token, a user (through a PAT or a session), or a token of one feature's own endpoint. */
public sealed interface Principal permits ApiTokenPrincipal, UserPrincipal, ScopedTokenPrincipal {

    /** The name shown as {@code createdBy} in audit events. */
    String displayName();

    /** The user id for {@code createdByUserId}, or null for API tokens. */
    Long userId();
}
