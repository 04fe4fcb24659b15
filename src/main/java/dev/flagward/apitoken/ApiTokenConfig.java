package dev.flagward.apitoken;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "flagward.api-tokens")
public interface ApiTokenConfig {

    /** Most API tokens the instance holds (all types); creating one more is 400 ExceedsLimitError. */
    @WithDefault("2000")
    int maxTokens();

    /** Most secrets one POST /edge/validate may ask about. */
    @WithDefault("1000")
    int maxValidateBatch();

    /** Rows per query when the credential cache loads every token (keeps the start-up memory peak small). */
    @WithDefault("5000")
    int loadPageSize();
}
