package dev.flagward.pat;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.credential.LeakedCredentialRevoker;
import dev.flagward.pat.PatApi.CreatePatRequest;
import dev.flagward.pat.PatApi.CreatedPat;
import dev.flagward.pat.PatApi.PatView;
import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.CredentialFormat;
import dev.flagward.security.principal.UserPrincipal;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.security.rotation.Rotation;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Personal access tokens of the signed-in user (SPEC §5.4–5.7). */
@ApplicationScoped
public class PatService implements LeakedCredentialRevoker {

    @Inject
    PatRepository pats;
    @Inject
    AuditLog audit;
    @Inject
    CredentialCache cache;
    @Inject
    PatConfig config;
    @Inject
    Clock clock;
    @Inject
    CredentialLifecycle lifecycle;
    private CredentialLifecycle.Kind<Pat> credentialKind;

    @PostConstruct
    void describeCredentialKind() {
        credentialKind = new CredentialLifecycle.Kind<>(PatCredentialSource.KIND, pats, PatView::of, pat -> pat.id,
                "The personal access token", pat -> PatCredentialSource.PREFIX,
                old -> ApiException.badData("The personal access token was already rotated; rotate its replacement "
                        + "instead.", "/params/id"),
                CredentialLifecycle.Kind::noLimit, "pat-rotated", "pat",
                pat -> Map.of("kind", "personal-access-token", "identifier", pat.id, "userId", pat.userId));
    }

    public Uni<List<PatView>> list(UserPrincipal user) {
        return Panache.withSession(() -> pats.listOf(user.id())).map(list -> {
            Map<String, Long> ids = new HashMap<>();
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
                .transform(e -> ApiException
                        .nameExists("You already have a personal access token described \"" + description + "\"."))
                .call(pat -> cache.refresh(PatCredentialSource.KIND, pat.selector))
                .map(pat -> new CreatedPat(pat.id, pat.description, pat.expiresAt, pat.createdAt, pat.seenAt,
                        pat.userId,
                        minted.secret(), null));
    }

    /**
     * Rotates one of the user's PATs: a new secret with the same description and expiry, and the old one kept until
     * the overlap ends (Rotation). If the rotated PAT is itself a replacement, the one it replaced stops now, so a chain
     * never has more than two live PATs. Another user's or an unknown PAT → 404; an expired one → 400.
     */
    public Uni<CreatedPat> rotate(UserPrincipal user, long id, Rotation.Request request, Actor actor) {
        return lifecycle.rotate(credentialKind, request,
                () -> AdvisoryLocks.hold("pat:" + user.id()).chain(() -> pats.findOwned(id, user.id())).map(old -> {
                    if (old == null) {
                        throw ApiException.notFound("You have no personal access token with id " + id + ".");
                    }
                    return old;
                }),
                (old, minted, now) -> {
                    Pat fresh = new Pat();
                    fresh.userId = user.id();
                    fresh.selector = minted.selector();
                    fresh.verifier = minted.verifier();
                    fresh.description = old.description;
                    fresh.expiresAt = old.expiresAt;
                    fresh.createdAt = now;
                    return fresh;
                },
                audit.by(actor))
                .map(rotated -> {
                    Pat fresh = rotated.fresh();
                    return new CreatedPat(fresh.id, fresh.description, fresh.expiresAt, fresh.createdAt, fresh.seenAt,
                            fresh.userId, rotated.secret(), rotated.replaced().id);
                });
    }

    /**
     * Deletes one of the user's PATs; another user's PAT is answered as unknown (404). Deleting a replacement gives
     * its predecessor back its place under the limit (Rotation.forgetReplacement). Under the user's lock, as create
     * and rotate: a rotation of the same PAT cannot slip between reading the chain and changing it.
     */
    public Uni<Void> delete(UserPrincipal user, long id, Actor actor) {
        return lifecycle.delete(credentialKind, () -> AdvisoryLocks.hold("pat:" + user.id())
                .chain(() -> pats.findOwned(id, user.id()))
                .invoke(pat -> {
                    if (pat == null) {
                        throw ApiException.notFound("You have no personal access token with id " + id + ".");
                    }
                }), "pat-deleted", audit.by(actor));
    }

    @Override
    public CredentialLifecycle.Kind<?> credentialKind() {
        return credentialKind;
    }
}
