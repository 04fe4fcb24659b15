package dev.flagward.apitoken;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Unleash Edge's token issuing ({@code POST /edge/issue-token}). */
@ConfigMapping(prefix = "flagward.edge")
public interface EdgeConfig {

    /**
     * The Edge clients that may sign issue requests, {@code clientId=secret} separated by commas
     * ({@code FLAGWARD_EDGE_CLIENTS}); each secret is base64url of at least 16 random bytes (Unleash Edge's
     * {@code EDGE_CLIENT_SECRET}). None by default: then every issue request is refused (401).
     */
    Optional<String> clients();

    /** Most environment/projects pairs one issue request may ask for. */
    @WithDefault("100")
    int maxIssuePairs();
}
