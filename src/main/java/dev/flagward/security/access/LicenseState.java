package dev.flagward.security.access;

/** What the license allows right now; implemented by the license feature. */
public interface LicenseState {

    /** A valid license (or one within its grace period after expiry) is installed. */
    boolean enterpriseEnabled();

    /** The license expired beyond its grace period: the admin API accepts no writes but revocations. */
    boolean readOnly();
}
