package dev.flagward.pat;

import dev.flagward.security.rotation.CredentialLifecycle;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class PatRepository implements PanacheRepository<Pat>, CredentialLifecycle.Store<Pat> {

    public Uni<List<Pat>> listOf(long userId) {
        return find("userId", Sort.descending("createdAt", "id"), userId).list();
    }

    public Uni<Pat> findOwned(long id, long userId) {
        return find("id = ?1 and userId = ?2", id, userId).firstResult();
    }

    public Uni<Long> countOf(long userId) {
        return count("userId = ?1 and replacedBy is null", userId);
    }

    public Uni<Boolean> descriptionTaken(long userId, String description) {
        return count("userId = ?1 and description = ?2 and replacedBy is null", userId, description).map(n -> n > 0);
    }

}
