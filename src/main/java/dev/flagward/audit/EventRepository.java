package dev.flagward.audit;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class EventRepository implements PanacheRepository<Event> {

    public Uni<List<Event>> page(String type, int offset, int limit) {
        Sort newestFirst = Sort.descending("id");
        var query = type == null ? findAll(newestFirst) : find("type", newestFirst, type);
        return query.range(offset, offset + limit - 1).list();
    }

    public Uni<Long> countOf(String type) {
        return type == null ? count() : count("type", type);
    }
}
