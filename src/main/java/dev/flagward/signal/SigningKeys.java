package dev.flagward.signal;

import dev.flagward.security.keys.SecretBox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The signing keys of an endpoint in force now: the current one, and the previous one during its overlap. */
final class SigningKeys {

    private SigningKeys() {
    }

    /** What a sealed key is bound to: the endpoint it belongs to (a key copied to another row does not open). */
    static String context(long endpointId) {
        return "signal-endpoint:" + endpointId;
    }

    static List<byte[]> inForce(SecretBox secrets, long endpointId, byte[] current, byte[] previous,
            Instant previousUntil,
            Instant now) {
        List<byte[]> keys = new ArrayList<>(2);
        if (current != null) {
            keys.add(secrets.open(current, context(endpointId)));
        }
        if (previous != null && previousUntil != null && now.isBefore(previousUntil)) {
            keys.add(secrets.open(previous, context(endpointId)));
        }
        return keys;
    }
}
