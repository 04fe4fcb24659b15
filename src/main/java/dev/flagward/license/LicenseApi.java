package dev.flagward.license;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** Bodies of the license endpoints, as seed 000 shows them. */
public final class LicenseApi {

    private LicenseApi() {
    }

    public record UpdateLicenseRequest(String token) {}

    /** Limits; null where the license states none (no limit). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Resources(Integer seats, Integer releaseTemplates, Integer edgeInstances, Integer readOnlyUsers) {}

    /** The body when no license is installed: {@code {"isValid": false}} and nothing else. */
    public record NoLicense(boolean isValid) {

        static final NoLicense NONE = new NoLicense(false);
    }

    /** An installed license: every field present, null where the license does not say. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LicenseView(boolean isValid, String token, String customer, String type, String instanceName,
            String instanceId, String plan, Resources resources, Instant expireAt, Instant issuedAt) {

        static LicenseView of(License license, boolean valid) {
            return new LicenseView(valid, license.token, license.customer, license.type, license.instanceName,
                    license.instanceId, license.plan, new Resources(license.seats, license.releaseTemplates,
                            license.edgeInstances, license.readOnlyUsers),
                    license.expiresAt, license.issuedAt);
        }

        /** For events: everything but the token. */
        EventData withoutToken() {
            return new EventData(customer, type, instanceName, instanceId, plan, resources, expireAt, issuedAt);
        }
    }

    /** What a license-updated event records: no token. */
    public record EventData(String customer, String type, String instanceName, String instanceId, String plan,
            Resources resources, Instant expireAt, Instant issuedAt) {}

    public record LicenseCheck(boolean isValid, String message, String messageType) {}
}
