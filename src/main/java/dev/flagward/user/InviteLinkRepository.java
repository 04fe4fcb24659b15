package dev.flagward.user;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;

@ApplicationScoped
public class InviteLinkRepository implements PanacheRepository<InviteLink> {

    public Uni<List<InviteLink>> listNewestFirst() {
        return listAll(Sort.descending("createdAt", "id"));
    }

    public Uni<InviteLink> findBySelector(String selector) {
        return find("selector", selector).firstResult();
    }

    /**
     * Shared-locked until the transaction ends: a signup holds it while it creates the user, so a concurrent disable
     * or expiry (which takes the row's write lock) waits for it or is seen by it, never passed by it.
     */
    public Uni<InviteLink> lockForSignup(String selector) {
        return find("selector", selector).withLock(LockModeType.PESSIMISTIC_READ).firstResult();
    }
}
