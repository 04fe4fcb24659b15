package dev.flagward.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "flagward.http")
public interface HttpConfig {

    /** Largest request body accepted; larger bodies get 413 PayloadTooLargeError. */
    @WithDefault("100K")
    MemorySize maxBodySize();
}
