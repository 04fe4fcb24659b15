package dev.flagward.signal;

import dev.flagward.security.rotation.CredentialLifecycle;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class SignalEndpointTokenRepository
        implements
            PanacheRepository<SignalEndpointToken>,
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

    public Uni<Long> countOf(long endpointId) {
        // A token being replaced does not take a place: rotation works at the limit.
        return count("signalEndpointId = ?1 and replacedBy is null", endpointId);
    }

}
