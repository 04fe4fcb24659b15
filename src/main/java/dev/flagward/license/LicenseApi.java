package dev.flagward.license;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** Bodies of the license endpoints, as seed 000 shows them. */
public final class LicenseApi {

    private LicenseApi() {
    }

    public record UpdateLicenseRequest(String token) {
    }

    public record Resources(int seats, int releaseTemplates, int edgeInstances, int readOnlyUsers) {
    }

    /** With no license installed only {@code isValid: false} is present. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LicenseView(boolean isValid, String token, String customer, String type, String instanceName,
                              String instanceId, String plan, Resources resources, Instant expireAt, Instant issuedAt) {
        static final LicenseView NONE = new LicenseView(false, null, null, null, null, null, null, null, null, null);

        static LicenseView of(License license, boolean valid) {
            return new LicenseView(valid, license.token, license.customer, license.type, license.instanceName,
                    license.instanceId, license.plan, new Resources(license.seats, license.releaseTemplates,
                    license.edgeInstances, license.readOnlyUsers), license.expiresAt, license.issuedAt);
        }

        /** For events: everything but the token. */
        LicenseView withoutToken() {
            return new LicenseView(isValid, null, customer, type, instanceName, instanceId, plan, resources, expireAt, issuedAt);
        }
    }

    public record LicenseCheck(boolean isValid, String message, String messageType) {
    }
}
