package dev.flagward.user;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;

@ApplicationScoped
public class PasswordResetTokenRepository implements PanacheRepository<PasswordResetToken> {

    public Uni<PasswordResetToken> findBySelector(String selector) {
        return find("selector", selector).firstResult();
    }

    /** Locked until the transaction ends, so two uses of one link cannot both pass: the second sees it used. */
    public Uni<PasswordResetToken> lockBySelector(String selector) {
        return find("selector", selector).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Ends every usable link of this user now (a newer link replaces them; a changed password ends them all). */
    public Uni<Integer> expireForUser(long userId, Instant now) {
        return update("expiresAt = :now where userId = :user and usedAt is null and expiresAt > :now",
                Parameters.with("now", now).and("user", userId));
    }
}
