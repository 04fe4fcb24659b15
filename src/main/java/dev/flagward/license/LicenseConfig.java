package dev.flagward.license;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "flagward.license")
public interface LicenseConfig {

    /** The expected {@code iss} of licenses (FLAGWARD_LICENSE_ISSUER). */
    @WithDefault("flagward")
    String issuer();

    /**
     * The vendor's public keys (FLAGWARD_LICENSE_PUBLIC_KEYS): the path of a JWKS file, or a comma-separated list of
     * {@code kid=path-to-PEM-public-key}. Without keys no license can be installed.
     */
    Optional<String> publicKeys();

    /** When set, a license's {@code instanceId} claim must equal it (FLAGWARD_LICENSE_INSTANCE_ID). */
    Optional<String> instanceId();

    /** How long after expiry the instance keeps working, with warnings, before the admin API turns read-only. */
    @WithDefault("P14D")
    Duration grace();
}
