package dev.flagward.signal;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class SignalEndpointRepository implements PanacheRepository<SignalEndpoint> {

    public Uni<List<SignalEndpoint>> listNewestFirst() {
        return listAll(Sort.descending("createdAt", "id"));
    }

    public Uni<Boolean> nameTaken(String name, Long exceptId) {
        return (exceptId == null ? count("name", name) : count("name = ?1 and id <> ?2", name, exceptId))
                .map(n -> n > 0);
    }
}
