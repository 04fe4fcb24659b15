package dev.flagward.security;

/** Who is calling: an API token or a user (through a PAT or a session). */
public sealed interface Principal permits ApiTokenPrincipal, UserPrincipal {

    /** The name shown as {@code createdBy} in audit events. */
    String displayName();

    /** The user id for {@code createdByUserId}, or null for API tokens. */
    Long userId();
}
