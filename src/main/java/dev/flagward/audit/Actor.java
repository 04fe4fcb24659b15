package dev.flagward.audit;

import dev.flagward.security.access.Caller;
import dev.flagward.security.principal.Principal;

/** Who made a change, as recorded in an event: name, user id (null for tokens and the system), client address. */
public record Actor(String name, Long userId, String address) {

    public static final Actor SYSTEM = new Actor("system", null, null);

    public static Actor of(Caller caller) {
        Principal principal = caller.principal();
        return principal == null
                ? new Actor("anonymous", null, caller.address())
                : new Actor(principal.displayName(), principal.userId(), caller.address());
    }
}
