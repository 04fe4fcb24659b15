package dev.flagward.license;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class LicenseRepository implements PanacheRepository<License> {

    /** The newest installed license, or null. */
    public Uni<License> current() {
        return findAll(Sort.descending("id")).firstResult();
    }
}
