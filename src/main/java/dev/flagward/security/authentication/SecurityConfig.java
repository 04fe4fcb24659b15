package dev.flagward.security.authentication;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "flagward.security")
public interface SecurityConfig {

    /** How often last-use times are written to the database (also written at shutdown). */
    @WithDefault("30s")
    Duration seenFlushInterval();

    /** How many unknown selectors are remembered, so repeated bad credentials cost no database round trip. */
    @WithDefault("10000")
    int negativeCacheSize();

    /** How long an unknown selector is remembered (a change announced for it forgets it at once). */
    @WithDefault("60s")
    Duration negativeCacheTtl();

    /**
     * Database lookups per second that selectors missing from the cache may cause (a credential created on another
     * replica a moment ago); beyond this a miss is answered from memory, so random secrets cannot load the database.
     */
    @WithDefault("100")
    int missLookupsPerSecond();
}
