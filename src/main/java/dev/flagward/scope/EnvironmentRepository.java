package dev.flagward.scope;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class EnvironmentRepository implements PanacheRepositoryBase<Environment, String> {

    public Uni<List<Environment>> listAllOrdered() {
        return listAll(Sort.ascending("sortOrder", "name"));
    }
}
