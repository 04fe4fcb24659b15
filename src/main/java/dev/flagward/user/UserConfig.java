package dev.flagward.user;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "flagward.users")
public interface UserConfig {

    /** How long a browser session lasts. */
    @WithDefault("48h")
    Duration sessionTtl();

    /** Mark the session cookie Secure (set it when served over HTTPS). */
    @WithDefault("false")
    boolean secureCookie();

    /** Sign-in attempts allowed per minute for one username from one address. */
    @WithDefault("10")
    int loginAttemptsPerMinute();

    /** Shortest password accepted when a user is created. */
    @WithDefault("10")
    int minPasswordLength();
}
