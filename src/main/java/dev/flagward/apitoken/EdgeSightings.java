package dev.flagward.apitoken;

/**
 * Where Edge validation reports which Edge instance called (the license counts them, SPEC §7.4). Owned here, where
 * the calls arrive, and implemented by the feature that counts them, so that Edge validation does not depend on it.
 */
public interface EdgeSightings {

    /**
     * An Edge instance's call validated at least one token. {@code instanceId} is the {@code UNLEASH-INSTANCEID}
     * header as sent (null when absent): anyone can send anything there, so the implementation judges it.
     */
    void validated(String instanceId);
}
