package dev.flagward.pat;

import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.pat.PatApi.CreatePatRequest;
import dev.flagward.pat.PatApi.CreatedPat;
import dev.flagward.pat.PatApi.PatView;
import dev.flagward.security.CredentialCache;
import dev.flagward.security.CredentialFormat;
import dev.flagward.security.Rotation;
import dev.flagward.security.UserPrincipal;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Personal access tokens of the signed-in user (SPEC §5.4–5.7). */
@ApplicationScoped
public class PatService implements LeakedCredentialRevoker {

    private final PatRepository pats;
    private final AuditLog audit;
    private final CredentialCache cache;
    private final PatConfig config;
    private final Clock clock;

    public PatService(PatRepository pats, AuditLog audit, CredentialCache cache, PatConfig config, Clock clock) {
        this.pats = pats;
        this.audit = audit;
        this.cache = cache;
        this.config = config;
        this.clock = clock;
    }

    public Uni<List<PatView>> list(UserPrincipal user) {
        return Panache.withSession(() -> pats.listOf(user.id())).map(list -> {
            java.util.Map<String, Long> ids = new java.util.HashMap<>();
            list.forEach(pat -> ids.put(pat.selector, pat.id));
            return list.stream().map(pat -> PatView.of(pat, ids)).toList();
        });
    }

    public Uni<CreatedPat> create(UserPrincipal user, CreatePatRequest request, Actor actor) {
        Validation.of(request)
                .requireText(request.description(), "description", 255)
                .check(request.expiresAt() != null, "The expiresAt property is required.", "expiresAt")
                .check(request.expiresAt() == null || request.expiresAt().isAfter(clock.instant()),
                        "The expiresAt date must be in the future.", "expiresAt")
                .orFail();
        String description = request.description().strip();
        CredentialFormat.Minted minted = CredentialFormat.mint(PatCredentialSource.PREFIX);
        // One creation at a time per user: the limit and the unique description hold under concurrency.
        return Panache.withTransaction(() -> AdvisoryLocks.hold("pat:" + user.id())
                        .chain(() -> pats.countOf(user.id()))
                        .invoke(count -> {
                            if (count >= config.maxPerUser()) {
                                throw ApiException.operationDenied("You already have the maximum of " + config.maxPerUser()
                                        + " personal access tokens. Delete one first.");
                            }
                        })
                        .chain(() -> pats.descriptionTaken(user.id(), description))
                        .chain(taken -> {
                            if (taken) {
                                throw ApiException.nameExists("You already have a personal access token described \""
                                        + description + "\".");
                            }
                            Pat pat = new Pat();
                            pat.userId = user.id();
                            pat.selector = minted.selector();
                            pat.verifier = minted.verifier();
                            pat.description = description;
                            pat.expiresAt = request.expiresAt();
                            pat.createdAt = clock.instant();
                            return pats.persistAndFlush(pat);
                        })
                        .call(pat -> audit.record("pat-created", actor, PatView.of(pat), null)))
                .onFailure(DatabaseErrors::isUniqueViolation)
                .transform(e -> ApiException.nameExists("You already have a personal access token described \"" + description + "\"."))
                .call(pat -> cache.refresh(PatCredentialSource.KIND, pat.selector))
                .map(pat -> new CreatedPat(pat.id, pat.description, pat.expiresAt, pat.createdAt, pat.seenAt, pat.userId,
                        minted.secret(), null));
    }

    /**
     * Rotates one of the user's PATs: a new secret with the same description and expiry, and the old one kept until
     * the overlap ends (Rotation). If the rotated PAT is itself a replacement, the one it replaced stops now, so a chain
     * never has more than two live PATs. Another user's or an unknown PAT → 404; an expired one → 400.
     */
    public Uni<CreatedPat> rotate(UserPrincipal user, long id, Rotation.Request request, Actor actor) {
        Instant now = clock.instant();
        Instant overlapEnd = Rotation.overlapEnd(request, now);
        CredentialFormat.Minted minted = CredentialFormat.mint(PatCredentialSource.PREFIX);
        return Panache.withTransaction(() -> AdvisoryLocks.hold("pat:" + user.id())
                        .chain(() -> pats.findOwned(id, user.id()))
                        .chain(old -> {
                            if (old == null) {
                                throw ApiException.notFound("You have no personal access token with id " + id + ".");
                            }
                            Rotation.requireLive(old.expiresAt, now, "The personal access token");
                            if (old.replacedBy != null) {
                                throw ApiException.badData("The personal access token was already rotated; rotate its "
                                        + "replacement instead.", "/params/id");
                            }
                            PatView before = PatView.of(old);
                            Pat fresh = new Pat();
                            fresh.userId = user.id();
                            fresh.selector = minted.selector();
                            fresh.verifier = minted.verifier();
                            fresh.description = old.description;
                            fresh.expiresAt = old.expiresAt;
                            fresh.createdAt = now;
                            fresh.replaces = old.selector;
                            // The old one is marked first: the description is unique among PATs not replaced.
                            old.expiresAt = Rotation.oldExpiry(old.expiresAt, overlapEnd);
                            old.replacedBy = fresh.selector;
                            return Rotation.endPredecessor(old.replaces, pats::findBySelector, now).chain(ended ->
                                    pats.flush().chain(() -> pats.persistAndFlush(fresh))
                                            .call(saved -> audit.record("pat-rotated", actor, rotatedEvent(saved, old, ended), before))
                                            .map(saved -> new Rotation.Rotated<>(saved, old, ended)));
                        }))
                .call(rotated -> cache.refresh(PatCredentialSource.KIND, rotated.fresh().selector))
                .call(rotated -> cache.refresh(PatCredentialSource.KIND, rotated.replaced().selector))
                .call(rotated -> rotated.ended() == null ? Uni.createFrom().voidItem()
                        : cache.refresh(PatCredentialSource.KIND, rotated.ended().selector))
                .map(rotated -> {
                    Pat fresh = rotated.fresh();
                    return new CreatedPat(fresh.id, fresh.description, fresh.expiresAt, fresh.createdAt, fresh.seenAt,
                            fresh.userId, minted.secret(), rotated.replaced().id);
                });
    }

    private static java.util.Map<String, Object> rotatedEvent(Pat fresh, Pat old, Pat ended) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("pat", PatView.of(fresh));
        data.put("replaces", old.id);
        data.put("oldExpiresAt", old.expiresAt);
        if (ended != null) {
            data.put("endedOverlapOf", ended.id);
        }
        return data;
    }

    /**
     * Deletes one of the user's PATs; another user's PAT is answered as unknown (404). Deleting a replacement gives
     * its predecessor back its place under the limit (Rotation.forgetReplacement). Under the user's lock, as create
     * and rotate: a rotation of the same PAT cannot slip between reading the chain and changing it.
     */
    public Uni<Void> delete(UserPrincipal user, long id, Actor actor) {
        return Panache.withTransaction(() -> AdvisoryLocks.hold("pat:" + user.id())
                        .chain(() -> pats.findOwned(id, user.id()))
                        .chain(pat -> {
                            if (pat == null) {
                                throw ApiException.notFound("You have no personal access token with id " + id + ".");
                            }
                            return pats.delete(pat).call(() -> pats.flush())
                                    .chain(() -> Rotation.forgetReplacement(pat.selector, pat.replaces, pat.replacedBy,
                                            pats::relink))
                                    .call(() -> audit.record("pat-deleted", actor, null, PatView.of(pat)))
                                    .map(predecessor -> new Rotation.Unlinked<>(pat, predecessor));
                        }))
                .invoke(deleted -> cache.evict(deleted.deleted().selector))
                .call(deleted -> deleted.predecessor() == null ? Uni.createFrom().voidItem()
                        : cache.refresh(PatCredentialSource.KIND, deleted.predecessor()))
                .replaceWithVoid();
    }

    @Override
    public String kind() {
        return PatCredentialSource.KIND;
    }

    /** A leaked PAT whose secret matches is expired now. */
    @Override
    public Uni<Outcome> revokeLeaked(String selector, String secret, Actor actor) {
        Instant now = clock.instant();
        return Panache.withTransaction(() -> pats.find("selector", selector).firstResult().chain(pat -> {
                    if (pat == null || !CredentialFormat.verifies(secret, pat.verifier)) {
                        return Uni.createFrom().item(Outcome.UNKNOWN);
                    }
                    if (!pat.expiresAt.isAfter(now)) {
                        return Uni.createFrom().item(Outcome.ALREADY_INACTIVE);
                    }
                    PatView before = PatView.of(pat);
                    pat.expiresAt = now;
                    return pats.flush().call(() -> audit.record("credential-leak-revoked", actor,
                                    java.util.Map.of("kind", "personal-access-token", "identifier", pat.id, "userId", pat.userId),
                                    before))
                            .replaceWith(Outcome.REVOKED);
                }))
                .call(outcome -> outcome == Outcome.REVOKED ? cache.refresh(PatCredentialSource.KIND, selector)
                        : Uni.createFrom().voidItem());
    }
}
