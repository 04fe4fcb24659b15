package dev.flagward.scope;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, String> {

    public Uni<List<Project>> listAllOrdered() {
        return listAll(Sort.descending("createdAt", "id"));
    }

    public Uni<List<String>> existingIds(Collection<String> ids) {
        return find("select p.id from Project p where p.id in ?1", ids).project(String.class).list();
    }
}
