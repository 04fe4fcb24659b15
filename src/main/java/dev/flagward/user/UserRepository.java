package dev.flagward.user;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class UserRepository implements PanacheRepository<User> {

    public Uni<List<User>> listLive() {
        return find("deletedAt is null", Sort.descending("createdAt", "id")).list();
    }

    public Uni<User> findLive(long id) {
        return find("id = ?1 and deletedAt is null", id).firstResult();
    }

    /** By username or email, case-insensitively; the ones a person signs in with. */
    public Uni<User> findLiveByLogin(String login) {
        return find("(lower(username) = lower(?1) or lower(email) = lower(?1)) and deletedAt is null", login)
                .firstResult();
    }
}
