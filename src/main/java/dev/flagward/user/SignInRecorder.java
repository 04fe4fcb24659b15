package dev.flagward.user;

import io.smallrye.mutiny.Uni;

/**
 * Where sign-in attempts are reported (the login history, SPEC §8.3). Owned here, where attempts happen, and
 * implemented by the feature that keeps the history, so that signing in does not depend on it.
 */
public interface SignInRecorder {

    /**
     * Records one attempt, good or bad, in the caller's transaction when there is one (so a successful sign-in and
     * its record commit together), else in its own. Never given the password.
     */
    Uni<Void> record(String username, String authType, boolean successful, String ip, String failureReason);
}
