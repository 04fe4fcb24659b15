package dev.flagward.user;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "flagward.users")
public interface UserConfig {

    /** How long a browser session lasts. */
    @WithDefault("48h")
    Duration sessionTtl();

    /**
     * Mark the session cookie Secure, so browsers send it over HTTPS only. True in the production profile; dev and
     * test serve plain HTTP. FLAGWARD_USERS_SECURE_COOKIE overrides either.
     */
    @WithDefault("false")
    boolean secureCookie();

    /** bcrypt cost (log2 of the rounds) of new password hashes; existing hashes keep theirs. */
    @WithDefault("10")
    @WithConverter(BcryptCost.class)
    int bcryptCost();

    /** Sign-in attempts allowed per minute for one username from one address. */
    @WithDefault("10")
    int loginAttemptsPerMinute();

    /** Shortest password accepted when a user is created. */
    @WithDefault("10")
    int minPasswordLength();

    /** A user with no sign-in and no PAT use for this long is listed as inactive (seat management). */
    @WithDefault("P180D")
    Duration inactiveAfter();

    /** How long a password reset link (and a new user's welcome link) works; each works once. */
    @WithDefault("24h")
    Duration resetTokenTtl();

    /**
     * Where people open Flagward's links (Unleash's UNLEASH_URL), for example https://flags.example.com: reset, welcome
     * and invite links start with it. Without it, links an Admin asks for start with the address the Admin called, and
     * a reset asked for by email is not sent, because a stranger's request must never decide where the link points.
     */
    Optional<String> publicUrl();

    /**
     * Calls per minute from one client address that present a reset or invite link, or ask for a reset mail (the
     * endpoints anyone may call); beyond, 429.
     */
    @WithDefault("10")
    int linkAttemptsPerMinute();
}
