package dev.flagward.user;

import dev.flagward.security.principal.RootRole;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Seats as the license counts them (SPEC §7.4): Admins and Editors take seats, counting users deleted in the last 30
 * days; Viewers take read-only seats. The rules that may refuse a seat ({@link UserSeatRule}) belong to the license.
 */
@ApplicationScoped
public class SeatService {

    @Inject
    UserRepository users;
    @Inject
    Instance<UserSeatRule> rules;
    @Inject
    Clock clock;

    public record SeatUsage(long seats, long readOnlyUsers) {}

    /** Seats in use, within the caller's session. */
    public Uni<SeatUsage> usage() {
        Instant recent = clock.instant().minus(Duration.ofDays(30));
        return users.count("rootRole <> 'Viewer' and (deletedAt is null or deletedAt > ?1)", recent)
                .chain(seats -> users.count("rootRole = 'Viewer' and deletedAt is null")
                        .map(viewers -> new SeatUsage(seats, viewers)));
    }

    /** In the caller's transaction, before a user takes a seat of this role: every rule may refuse it. */
    Uni<Void> check(RootRole role) {
        Uni<Void> checked = Uni.createFrom().voidItem();
        for (UserSeatRule rule : rules) {
            checked = checked.call(() -> rule.beforeSeatTaken(role));
        }
        return checked;
    }
}
