package dev.flagward.pat;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "flagward.pats")
public interface PatConfig {

    /** Most personal access tokens one user may hold; one more is 403 OperationDeniedError. */
    @WithDefault("10")
    int maxPerUser();
}
