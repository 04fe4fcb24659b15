package dev.flagward.pat;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.pat.PatApi.CreatePatRequest;
import dev.flagward.pat.PatApi.CreatedPat;
import dev.flagward.pat.PatApi.PatView;
import dev.flagward.security.CredentialCache;
import dev.flagward.security.CredentialFormat;
import dev.flagward.security.UserPrincipal;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import dev.flagward.web.Validation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;

/** Personal access tokens of the signed-in user (SPEC §5.4–5.7). */
@ApplicationScoped
public class PatService {

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
        return Panache.withSession(() -> pats.listOf(user.id())).map(list -> list.stream().map(PatView::of).toList());
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
                        minted.secret()));
    }

    /** Deletes one of the user's PATs; another user's PAT is answered as unknown (404). */
    public Uni<Void> delete(UserPrincipal user, long id, Actor actor) {
        return Panache.withTransaction(() -> pats.findOwned(id, user.id()).call(pat -> {
                    if (pat == null) {
                        throw ApiException.notFound("You have no personal access token with id " + id + ".");
                    }
                    return pats.delete(pat).call(() -> audit.record("pat-deleted", actor, null, PatView.of(pat)));
                }))
                .invoke(pat -> cache.evict(pat.selector))
                .replaceWithVoid();
    }
}
