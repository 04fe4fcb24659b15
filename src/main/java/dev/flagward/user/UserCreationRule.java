package dev.flagward.user;

import dev.flagward.security.RootRole;
import io.smallrye.mutiny.Uni;

/**
 * A rule that may refuse a new user (the license's seat limits), checked inside the creating transaction. Lets the
 * license feature plug in without the user feature knowing it.
 */
public interface UserCreationRule {

    Uni<Void> beforeUserCreated(RootRole role);
}
