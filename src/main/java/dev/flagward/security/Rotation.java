package dev.flagward.security;

import dev.flagward.web.ApiException;

import java.time.Duration;
import java.time.Instant;

/**
 * Rotation with overlap, one rule for every credential kind: the old credential keeps working until
 * {@code oldExpiresAt} (default 24 hours from now, not in the past, at most 30 days ahead), or until it would have
 * expired anyway if that is sooner; the new one starts at once.
 */
public final class Rotation {

    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    public static final Duration MAX_OVERLAP = Duration.ofDays(30);

    /** A rotation's two credentials: the new one, and the one it replaces. */
    public record Rotated<T>(T fresh, T replaced) {
    }

    /** The optional body of every rotate endpoint. */
    public record Request(Instant oldExpiresAt) {
    }

    private Rotation() {
    }

    /** When the old credential stops: the requested end of the overlap, checked, or the default. */
    public static Instant overlapEnd(Request request, Instant now) {
        Instant requested = request == null ? null : request.oldExpiresAt();
        if (requested == null) {
            return now.plus(DEFAULT_OVERLAP);
        }
        if (requested.isBefore(now)) {
            throw ApiException.badData("oldExpiresAt is in the past; to stop the old credential now, give the current "
                    + "time or revoke it.", "/body/oldExpiresAt");
        }
        if (requested.isAfter(now.plus(MAX_OVERLAP))) {
            throw ApiException.badData("oldExpiresAt may be at most 30 days ahead.", "/body/oldExpiresAt");
        }
        return requested;
    }

    /** The old credential's new expiry: the overlap's end, or its own expiry if that comes first. */
    public static Instant oldExpiry(Instant currentExpiry, Instant overlapEnd) {
        return currentExpiry != null && currentExpiry.isBefore(overlapEnd) ? currentExpiry : overlapEnd;
    }

    /** A credential that has already expired is not rotated: there is nothing to overlap with. */
    public static void requireLive(Instant expiresAt, Instant now, String what) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw ApiException.badData(what + " has expired; create a new one instead.", "/params");
        }
    }
}
