package dev.flagward.instance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "flagward.logins")
public interface LoginHistoryConfig {

    /** How long sign-in attempts are kept. */
    @WithDefault("P14D")
    Duration retention();
}
