package dev.flagward.apitoken;

import dev.flagward.security.rotation.CredentialLifecycle;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ApiTokenRepository implements PanacheRepository<ApiToken>, CredentialLifecycle.Store<ApiToken> {

    private static final String WITH_PROJECTS = "select distinct t from ApiToken t left join fetch t.projects ";

    @Override
    public Uni<ApiToken> findBySelector(String selector) {
        // list(), not firstResult(): a row limit with a collection fetch would be applied in memory.
        return find(WITH_PROJECTS + "where t.selector = ?1", selector).list()
                .map(found -> found.isEmpty() ? null : found.get(0));
    }

    public Uni<List<ApiToken>> listScopedTo(String projectId) {
        return find(WITH_PROJECTS + "where t.id in (select t2.id from ApiToken t2 join t2.projects p where p = ?1)",
                projectId).list();
    }

}
