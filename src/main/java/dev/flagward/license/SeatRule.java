package dev.flagward.license;

import dev.flagward.security.principal.RootRole;
import dev.flagward.user.SeatService;
import dev.flagward.user.UserSeatRule;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The license's user limits (SPEC §7.4): {@code seats} for Admins and Editors (counting users deleted in the last 30
 * days), {@code readOnlyUsers} for Viewers. Without a license, or a limit the license does not state, there is no limit. Runs inside the creating
 * transaction under an advisory lock, so two concurrent creations cannot both take the last seat.
 */
@ApplicationScoped
public class SeatRule implements UserSeatRule {

    private static final long SEAT_LOCK = 0x466c61675f736561L;

    @Inject
    LicenseService license;
    @Inject
    SeatService seats;

    @Override
    public Uni<Void> beforeSeatTaken(RootRole role) {
        License limits = license.limits();
        if (limits == null) {
            return Uni.createFrom().voidItem();
        }
        return AdvisoryLocks.hold(SEAT_LOCK)
                .chain(seats::usage)
                .invoke(usage -> {
                    if (role == RootRole.Viewer && !License.within(limits.readOnlyUsers, usage.readOnlyUsers() + 1)) {
                        throw ApiException.exceedsLimit("The license allows " + limits.readOnlyUsers
                                + " read-only users (Viewers) and all are taken.");
                    }
                    if (role != RootRole.Viewer && !License.within(limits.seats, usage.seats() + 1)) {
                        throw ApiException
                                .exceedsLimit("The license allows " + limits.seats + " seats and all are taken "
                                        + "(users deleted in the last 30 days still count).");
                    }
                })
                .replaceWithVoid();
    }
}
