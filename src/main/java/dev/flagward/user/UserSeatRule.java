package dev.flagward.user;

import dev.flagward.security.principal.RootRole;
import io.smallrye.mutiny.Uni;

/**
 * A rule that may refuse a user taking a seat of a role (the license's seat and read-only-user limits). Checked inside
 * the transaction that creates the user or changes their role between Viewer and the others. Lets the license
 * feature plug in without the user feature knowing it.
 */
public interface UserSeatRule {

    Uni<Void> beforeSeatTaken(RootRole role);
}
