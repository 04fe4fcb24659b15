package dev.flagward.credential;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.security.authentication.CredentialKinds;
import dev.flagward.security.rotation.CredentialLifecycle;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Revokes leaked secrets in one call (SPEC beyond Unleash, docs/compatibility.md). A string is recognised without
 * any I/O: a v2-shaped string whose checksum fails, or one no credential kind accepts, is {@code notOurs}; the rest
 * go to the feature that owns their kind.
 */
@Singleton
public class LeakedSecrets {

    public static final int MAX_SECRETS = 1000;

    @Schema(name = "RevokeLeakedResult")
    public record Result(@Schema(required = true) int revoked, @Schema(required = true) int alreadyInactive,
            @Schema(required = true) int unknown, @Schema(required = true) int notOurs) {}

    @Inject
    CredentialKinds kinds;
    @Inject
    CredentialLifecycle lifecycle;
    @Inject
    AuditLog audit;
    @Inject
    Instance<LeakedCredentialRevoker> revokers;

    /** The kinds revoked here, by name; asked on every call, so no bean's creation is needed before one arrives. */
    private Map<String, CredentialLifecycle.Kind<?>> revocable() {
        Map<String, CredentialLifecycle.Kind<?>> revocable = new HashMap<>();
        revokers.forEach(revoker -> revocable.put(revoker.credentialKind().kind(), revoker.credentialKind()));
        return revocable;
    }

    public Uni<Result> revoke(List<String> secrets, Actor actor) {
        if (secrets == null) {
            throw ApiException.badData("secrets is required: a list of secrets to revoke.", "/body/secrets");
        }
        if (secrets.size() > MAX_SECRETS) {
            throw ApiException.badData("At most " + MAX_SECRETS + " secrets per call.", "/body/secrets");
        }
        for (int i = 0; i < secrets.size(); i++) {
            if (secrets.get(i) == null || secrets.get(i).isEmpty()) {
                throw ApiException.badData("Every entry must be a non-empty string.", "/body/secrets/" + i);
            }
        }
        Map<String, CredentialLifecycle.Kind<?>> revocable = revocable();
        int[] counts = new int[4];
        // One at a time: each revocation is its own short transaction, and duplicates meet an already revoked one.
        return Multi.createFrom().iterable(secrets).onItem().transformToUniAndConcatenate(secret -> {
            CredentialKinds.Presented presented = secret.length() > 1024 ? null : kinds.identify(secret);
            CredentialLifecycle.Kind<?> kind = presented == null ? null : revocable.get(presented.kind());
            if (presented == null) {
                counts[3]++;
                return Uni.createFrom().voidItem();
            }
            if (kind == null) {
                counts[2]++; // ours, but a kind that is not revoked this way (a session)
                return Uni.createFrom().voidItem();
            }
            return lifecycle.revokeLeaked(kind, presented.selector(), secret, audit.by(actor)).invoke(outcome -> {
                switch (outcome) {
                    case REVOKED -> counts[0]++;
                    case ALREADY_INACTIVE -> counts[1]++;
                    default -> counts[2]++;
                }
            }).replaceWithVoid();
        })
                .collect().last()
                .map(x -> new Result(counts[0], counts[1], counts[2], counts[3]));
    }
}
