package dev.flagward.security.rotation;

import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.authentication.CredentialRow;
import dev.flagward.security.authentication.CredentialSource;
import dev.flagward.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Rotation and leaked-secret revocation, written once for every kind of stored credential (API tokens, PATs, signal
 * endpoint tokens): the steps, their order and the transaction are here, the rules in {@link Rotation}. A kind
 * supplies what differs as a {@link Kind}. Events are written through the caller ({@link Events}): the event writer
 * builds on this package, not the other way round.
 */
@ApplicationScoped
public class CredentialLifecycle {

    /** What revoking a reported secret did. */
    public enum LeakOutcome { REVOKED, ALREADY_INACTIVE, UNKNOWN }

    /** Writes one event in the calling transaction, for the caller's actor. */
    @FunctionalInterface
    public interface Events {

        Uni<Void> record(String type, Object data, Object before);
    }

    /** A kind's repository: its credentials by selector, and the other half of a rotation link. */
    public interface Store<T> extends PanacheRepository<T> {

        default Uni<T> findBySelector(String selector) {
            return find("selector", selector).firstResult();
        }

        /** Whatever is being replaced by {@code from} is replaced by {@code to} instead (or by none): rows changed. */
        default Uni<Integer> relink(String from, String to) {
            return update("replacedBy = ?1 where replacedBy = ?2", to, from);
        }
    }

    /** The rotated credential's successor, with the minted selector and verifier and the kind's own fields copied. */
    @FunctionalInterface
    public interface Successor<T> {

        T of(T old, CredentialFormat.Minted minted, Instant now);
    }

    /**
     * The part of rotation and revocation that differs by kind.
     *
     * @param kind           {@code CredentialSource.kind()}, for the cache
     * @param store          the kind's repository
     * @param view           what events show of a credential
     * @param id             how events name a credential (its selector or its row id)
     * @param what           the credential as error messages name it ("The token")
     * @param prefix         the secret prefix a successor is minted with
     * @param alreadyRotated the refusal to rotate a credential that has been replaced already
     * @param room           a limit a successor must fit under (checked after the credential's own checks)
     * @param rotatedEvent   the event type of a rotation, and {@code viewKey} the key of the successor's view in it
     * @param leakEvent      the data of the {@code credential-leak-revoked} event
     */
    public record Kind<T extends CredentialRow>(String kind, Store<T> store, Function<T, Object> view,
            Function<T, Object> id, String what, Function<T, String> prefix,
            Function<T, ApiException> alreadyRotated, Supplier<Uni<Void>> room,
            String rotatedEvent, String viewKey,
            Function<T, Map<String, Object>> leakEvent) {

        /** No limit on successors: a credential being replaced does not take a place. */
        public static Uni<Void> noLimit() {
            return Uni.createFrom().voidItem();
        }
    }

    @Inject
    CredentialCache cache;
    @Inject
    Clock clock;

    /**
     * Rotates the credential {@code findOld} yields (inside the transaction, after the kind's lock; it answers 404 and
     * the caller's permission itself): live and not yet replaced, then the kind's limit, then in one transaction the
     * predecessor's overlap ended, the old one marked replaced first (a PAT's description is unique among PATs not
     * replaced), the successor inserted, and the event; after commit all of them are refreshed in this replica's
     * cache. The request's overlap is checked before anything is read.
     */
    public <T extends CredentialRow> Uni<Rotation.Rotated<T>> rotate(Kind<T> kind, Rotation.Request request,
            Supplier<Uni<T>> findOld, Successor<T> successor,
            Events events) {
        Instant now = clock.instant();
        Instant overlapEnd = Rotation.overlapEnd(request, now);
        return Panache.withTransaction(() -> findOld.get().chain(old -> {
            Rotation.requireLive(old.expiresAt, now, kind.what());
            if (old.replacedBy != null) {
                throw kind.alreadyRotated().apply(old);
            }
            return kind.room().get().chain(() -> {
                Object before = kind.view().apply(old);
                CredentialFormat.Minted minted = CredentialFormat.mint(kind.prefix().apply(old));
                T fresh = successor.of(old, minted, now);
                fresh.replaces = old.selector;
                old.expiresAt = Rotation.oldExpiry(old.expiresAt, overlapEnd);
                old.replacedBy = fresh.selector;
                return Rotation.endPredecessor(old.replaces, kind.store()::findBySelector, now)
                        .chain(ended -> kind.store().flush()
                                .chain(() -> kind.store().persistAndFlush(fresh))
                                .call(saved -> events.record(kind.rotatedEvent(),
                                        rotatedEvent(kind, saved, old, ended), before))
                                .map(saved -> new Rotation.Rotated<>(saved, minted.secret(), old, ended)));
            });
        }))
                .call(rotated -> cache.refresh(kind.kind(), rotated.fresh().selector))
                .call(rotated -> cache.refresh(kind.kind(), rotated.replaced().selector))
                .call(rotated -> rotated.ended() == null
                        ? Uni.createFrom().voidItem()
                        : cache.refresh(kind.kind(), rotated.ended().selector));
    }

    private static <T extends CredentialRow> Map<String, Object> rotatedEvent(Kind<T> kind, T fresh, T old, T ended) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(kind.viewKey(), kind.view().apply(fresh));
        data.put("replaces", kind.id().apply(old));
        data.put("oldExpiresAt", old.expiresAt);
        if (ended != null) {
            data.put("endedOverlapOf", kind.id().apply(ended));
        }
        return data;
    }

    /**
     * Revokes the live credential with this selector if {@code secret} is its secret (constant-time check against the
     * stored verifier): it expires now, in one transaction with its event {@code credential-leak-revoked}, and is kept
     * in lists as expired, so the leak stays visible. This replica's cache holds the change before the answer.
     */
    public <T extends CredentialRow> Uni<LeakOutcome> revokeLeaked(Kind<T> kind, String selector, String secret,
            Events events) {
        Instant now = clock.instant();
        return Panache.withTransaction(() -> kind.store().findBySelector(selector).chain(found -> {
            if (found == null || !CredentialFormat.verifies(secret, found.verifier)) {
                return Uni.createFrom().item(LeakOutcome.UNKNOWN);
            }
            if (found.expiredAt(now)) {
                return Uni.createFrom().item(LeakOutcome.ALREADY_INACTIVE);
            }
            Object before = kind.view().apply(found);
            found.expiresAt = now;
            return kind.store().flush()
                    .call(() -> events.record("credential-leak-revoked", kind.leakEvent().apply(found), before))
                    .replaceWith(LeakOutcome.REVOKED);
        }))
                .call(outcome -> outcome == LeakOutcome.REVOKED
                        ? cache.refresh(kind.kind(), selector)
                        : Uni.createFrom().voidItem());
    }

    /**
     * Deletes the credential {@code findLocked} yields (inside the transaction, after the kind's lock, judged and
     * checked by the caller; null: nothing to delete). With it, in the same transaction, its event, and its
     * predecessor no longer names it as replacement ({@link Rotation#forgetReplacement}), so lists stop naming a
     * credential that no longer exists and the predecessor takes its place under the limit again. After commit the
     * deleted one leaves this replica's cache and the relinked predecessor is refreshed in it.
     */
    public <T extends CredentialRow> Uni<Void> delete(Kind<T> kind, Supplier<Uni<T>> findLocked, String deletedEvent,
            Events events) {
        return Panache.withTransaction(() -> findLocked.get().chain(found -> {
            if (found == null) {
                return Uni.createFrom().<Rotation.Unlinked<T>>nullItem();
            }
            Object before = kind.view().apply(found);
            return kind.store().delete(found).call(() -> kind.store().flush())
                    .chain(() -> Rotation.forgetReplacement(found.selector, found.replaces, found.replacedBy,
                            kind.store()::relink))
                    .call(() -> events.record(deletedEvent, null, before))
                    .map(predecessor -> new Rotation.Unlinked<>(found, predecessor));
        }))
                .invoke(deleted -> {
                    if (deleted != null) {
                        cache.evict(deleted.deleted().selector);
                    }
                })
                // Lists are served from the cache: this replica shows the predecessor unlinked before answering.
                .call(deleted -> deleted == null || deleted.predecessor() == null
                        ? Uni.createFrom().voidItem()
                        : cache.refresh(kind.kind(), deleted.predecessor()))
                .replaceWithVoid();
    }
}
