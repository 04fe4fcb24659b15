package dev.flagward.security.rotation;

import dev.flagward.security.authentication.CredentialRow;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Rotation with overlap, one rule for every credential kind: the old credential keeps working until
 * {@code oldExpiresAt} (default 24 hours from now, not in the past, at most 30 days ahead), or until it would have
 * expired anyway if that is sooner; the new one starts at once. A chain of rotations has at most two credentials
 * that authenticate: rotating a replacement ends its predecessor's overlap at once (SPEC §5.8).
 */
public final class Rotation {

    public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    public static final Duration MAX_OVERLAP = Duration.ofDays(30);

    /**
     * A rotation's credentials: the new one (and its secret, shown once), the one it replaces, and the one before that
     * if this rotation ended its overlap (else null). Each needs its cache entry refreshed after commit.
     */
    public record Rotated<T>(T fresh, String secret, T replaced, T ended) {}

    /**
     * A deletion's credential, and the selector of its predecessor if the deletion changed the predecessor's link
     * (else null), whose cache entry needs a refresh after commit.
     */
    public record Unlinked<T>(T deleted, String predecessor) {}

    /**
     * A kind's own statement for the other half of a link: in the calling transaction, the credential
     * {@code predecessor} (a selector) gets {@code replacedBy = to} (null: none), only if it still names {@code from};
     * yields the number of rows changed. One conditional statement rather than a loaded entity: the row update itself
     * checks that the link still names the deleted credential.
     */
    @FunctionalInterface
    public interface Relink {

        /** Every credential whose {@code replacedBy} is {@code from} gets {@code to} instead; how many changed. */
        Uni<Integer> replacedBy(String from, String to);
    }

    /** The optional body of every rotate endpoint. */
    @Schema(name = "RotationRequest")
    public record Request(Instant oldExpiresAt) {}

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

    /**
     * Ends the overlap of the credential that the one being rotated replaced ({@code replaces}, a selector), if it
     * still authenticates: its expiry becomes {@code now}. Without this, rotating again within the overlap leaves
     * three live credentials, and rotating often enough any number, past every per-user or per-endpoint limit. Runs
     * inside the rotating transaction with the feature's own lookup by selector; yields the credential it stopped
     * (for the event and the cache refresh after commit), or null when there was none to stop.
     */
    public static <T extends CredentialRow> Uni<T> endPredecessor(String replaces,
            Function<String, Uni<T>> findBySelector,
            Instant now) {
        if (replaces == null) {
            return Uni.createFrom().nullItem();
        }
        return findBySelector.apply(replaces).map(predecessor -> {
            if (predecessor == null || predecessor.expiredAt(now)) {
                return null;
            }
            predecessor.expiresAt = now;
            return predecessor;
        });
    }

    /**
     * A deleted credential no longer replaces its predecessor: the predecessor's {@code replacedBy} becomes the deleted
     * one's own ({@code null} when the deleted one was the newest of its chain), if it still names the deleted one.
     * Without this, the predecessor stays "being replaced" by nothing: it takes no place under a per-user or
     * per-endpoint limit, so rotating with a long overlap and deleting the replacement, over and over, gets past the
     * limit, and listings link to a credential that no longer exists. When the deleted one had itself been rotated,
     * the predecessor is still being replaced, by the chain's newer credential (whose rotation ended its overlap),
     * and keeps taking no place, as before the deletion; a PAT's description stays the newer one's.
     * <p>
     * Runs inside the deleting transaction under the lock rotation takes, after the deletion has been flushed (a
     * PAT's description is unique among PATs not replaced: the predecessor may take it back only once the
     * replacement's row is gone). {@code deleted}, {@code replaces} and {@code replacedBy} are the deleted
     * credential's selector and links. Yields the predecessor's selector when its link changed (for the cache
     * refresh after commit), else null.
     */
    public static Uni<String> forgetReplacement(String deleted, String replaces, String replacedBy, Relink relink) {
        // By the link itself, not by the deleted one's `replaces`: whatever still names the deleted credential (also
        // after the chain was cut in the middle, or when that predecessor was deleted earlier) is relinked.
        return relink.replacedBy(deleted, replacedBy).map(changed -> changed > 0 ? replaces : null);
    }

    /** A credential that has already expired is not rotated: there is nothing to overlap with. */
    public static void requireLive(Instant expiresAt, Instant now, String what) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw ApiException.badData(what + " has expired; create a new one instead.", "/params");
        }
    }
}
