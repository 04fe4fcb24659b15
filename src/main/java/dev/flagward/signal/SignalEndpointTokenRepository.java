package dev.flagward.signal;

import dev.flagward.security.CredentialLifecycle;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class SignalEndpointTokenRepository implements PanacheRepository<SignalEndpointToken>,
        CredentialLifecycle.Store<SignalEndpointToken> {

    public Uni<List<SignalEndpointToken>> listOf(long endpointId) {
        return find("signalEndpointId", Sort.descending("createdAt", "id"), endpointId).list();
    }

    public Uni<List<SignalEndpointToken>> listOf(List<Long> endpointIds) {
        return find("signalEndpointId in ?1", Sort.descending("createdAt", "id"), endpointIds).list();
    }

    public Uni<SignalEndpointToken> findOf(long endpointId, long id) {
        return find("id = ?1 and signalEndpointId = ?2", id, endpointId).firstResult();
    }

    @Override
    public Uni<SignalEndpointToken> findBySelector(String selector) {
        return find("selector", selector).firstResult();
    }

    public Uni<Long> countOf(long endpointId) {
        // A token being replaced does not take a place: rotation works at the limit.
        return count("signalEndpointId = ?1 and replacedBy is null", endpointId);
    }

    /** Rotation.Relink: whatever is being replaced by {@code from} is replaced by {@code to} instead (or by none). */
    public Uni<Integer> relink(String from, String to) {
        return update("replacedBy = ?1 where replacedBy = ?2", to, from);
    }
}
