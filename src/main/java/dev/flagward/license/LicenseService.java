package dev.flagward.license;

import dev.flagward.audit.Actor;
import dev.flagward.audit.AuditLog;
import dev.flagward.license.LicenseApi.LicenseCheck;
import dev.flagward.license.LicenseApi.LicenseView;
import dev.flagward.license.LicenseVerifier.VerifiedLicense;
import dev.flagward.security.access.LicenseState;
import dev.flagward.security.notification.NotificationChannel;
import dev.flagward.user.SeatService;
import dev.flagward.web.AdvisoryLocks;
import dev.flagward.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The installed license and what it allows (SPEC §7). The current license is held in memory: this replica's
 * installs apply at once, and every replica reloads when the database announces a change on {@link #CHANNEL}
 * (a trigger, delivered on commit, over the replica's one LISTEN connection) and after every new LISTEN connection,
 * which may have missed one. Its status is computed on every question against the injected clock, so expiry and
 * the grace period take effect to the second.
 */
@ApplicationScoped
public class LicenseService implements LicenseState, NotificationChannel {

    private static final Logger LOG = Logger.getLogger(LicenseService.class);
    private static final long INSTALL_LOCK = 0x466c61675f6c6963L;
    static final String CHANNEL = "flagward_license";
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    public enum Status { NONE, VALID, GRACE, READ_ONLY }

    @Inject
    LicenseRepository licenses;
    @Inject
    Pool pool;
    @Inject
    LicenseVerifier verifier;
    @Inject
    AuditLog audit;
    @Inject
    SeatService seats;
    @Inject
    EdgeInstances edgeInstances;
    @Inject
    LicenseConfig config;
    @Inject
    Clock clock;
    @ConfigProperty(name = "unleash.license")
    Optional<String> startupLicense;
    private volatile License current;

    /** Loads the current license, then installs UNLEASH_LICENSE if given; an invalid one is logged, start-up goes on. */
    void onStart(@Observes @Priority(40) StartupEvent event) throws Throwable {
        License installed = reload().await().atMost(Duration.ofSeconds(30));
        Optional<String> given = startupLicense.filter(token -> !token.isBlank());
        // Every start but the first with the same UNLEASH_LICENSE: already installed, nothing to open a session for.
        if (given.isPresent() && installed != null && installed.token.equals(given.get().strip())) {
            LOG.debugf("License from UNLEASH_LICENSE is installed already");
            return;
        }
        if (given.isPresent()) {
            try {
                VertxContextSupport
                        .subscribeAndAwait(() -> install(given.get(), new Actor("UNLEASH_LICENSE", null, null)));
                LOG.infof("License from UNLEASH_LICENSE installed for %s", current.customer);
            } catch (ApiException e) {
                LOG.errorf("UNLEASH_LICENSE was not installed: %s The service starts without it.", e.getMessage());
            }
        }
    }

    /**
     * Reads the current license with the reactive client (no Hibernate session needed, so it also runs from a filter
     * or at start). Tests use it after changing the table behind the service's back.
     */
    public Uni<License> reload() {
        return pool.query("select * from licenses order by id desc limit 1").execute().map(rows -> {
            License found = rows.size() == 0 ? null : fromRow(rows.iterator().next());
            if (found != null && signedWithDevKeyOutsideDevMode(found.token, LaunchMode.current())) {
                // Installed by a dev mode sharing this database: anyone can sign with that key, so it counts for nothing.
                LOG.warn("The stored license is signed with Flagward's dev-only key, which only dev mode trusts: "
                        + "this instance runs without a license. Install a license from your vendor.");
                found = null;
            }
            current = found;
            return found;
        });
    }

    /** By the header's kid: a license made with the dev key carries {@link DevLicenseKey#KID} (KeyRing finds keys by kid). */
    static boolean signedWithDevKeyOutsideDevMode(String token, LaunchMode mode) {
        if (mode == LaunchMode.DEVELOPMENT || token == null) {
            return false;
        }
        try {
            // The header only, read by the JOSE library the verifier uses; nothing is verified here.
            return DevLicenseKey.KID
                    .equals(JsonWebStructure.fromCompactSerialization(token.strip()).getKeyIdHeaderValue());
        } catch (JoseException e) {
            return false;
        }
    }

    private static License fromRow(Row row) {
        License license = new License();
        license.id = row.getLong("id");
        license.token = row.getString("token");
        license.customer = row.getString("customer");
        license.type = row.getString("type");
        license.plan = row.getString("plan");
        license.instanceName = row.getString("instance_name");
        license.instanceId = row.getString("instance_id");
        license.seats = row.getInteger("seats");
        license.releaseTemplates = row.getInteger("release_templates");
        license.edgeInstances = row.getInteger("edge_instances");
        license.readOnlyUsers = row.getInteger("read_only_users");
        license.issuedAt = row.getOffsetDateTime("issued_at").toInstant();
        license.expiresAt = row.getOffsetDateTime("expires_at").toInstant();
        license.installedAt = row.getOffsetDateTime("installed_at").toInstant();
        license.installedBy = row.getString("installed_by");
        return license;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    /** A license was installed or removed, here or on another replica. */
    @Override
    public void onNotification(String payload) {
        reloadInBackground();
    }

    /** A new LISTEN connection: an install may have been announced while there was none. */
    @Override
    public void onListening() {
        reloadInBackground();
    }

    private void reloadInBackground() {
        reload().subscribe().with(
                license -> LOG.debugf("License reloaded: %s", license == null ? "none" : license.customer),
                failure -> LOG.warnf("License reload failed (the one in memory stays): %s", failure.getMessage()));
    }

    public Status status() {
        License license = current;
        if (license == null) {
            return Status.NONE;
        }
        Instant now = clock.instant();
        if (now.isBefore(license.expiresAt)) {
            return Status.VALID;
        }
        return now.isBefore(license.expiresAt.plus(config.grace())) ? Status.GRACE : Status.READ_ONLY;
    }

    @Override
    public boolean enterpriseEnabled() {
        Status status = status();
        return status == Status.VALID || status == Status.GRACE;
    }

    @Override
    public boolean readOnly() {
        return status() == Status.READ_ONLY;
    }

    /** The installed license's limits, or null when there is none. */
    public License limits() {
        return current;
    }

    /** Month ("YYYY-MM") → average Edge instances per 5-minute bucket (SPEC §7.4's count), every replica's. */
    public Uni<Map<String, BigDecimal>> edgeInstanceMonthlyAverages() {
        return edgeInstances.monthlyAverages();
    }

    /** A {@link LicenseView}, or {@link LicenseApi.NoLicense} when none is installed. */
    public Object view() {
        License license = current;
        return license == null ? LicenseApi.NoLicense.NONE : LicenseView.of(license, status() == Status.VALID);
    }

    /**
     * Verifies and installs a license. Re-installing the current one changes nothing; one issued before the current
     * one is refused (no rollback), and the current one stays.
     */
    public Uni<LicenseView> install(String token, Actor actor) {
        VerifiedLicense verified = verifier.verify(token);
        return Panache.withTransaction(() -> AdvisoryLocks.hold(INSTALL_LOCK)
                .chain(licenses::current)
                .chain(installed -> {
                    if (installed != null && installed.token.equals(verified.token())) {
                        return Uni.createFrom().item(installed);
                    }
                    if (installed != null && verified.issuedAt().isBefore(installed.issuedAt)) {
                        throw ApiException.badData("The license was issued before the installed one ("
                                + installed.issuedAt + "); an older license cannot replace a newer one.",
                                "/body/token");
                    }
                    License license = toEntity(verified, actor);
                    return licenses.persistAndFlush(license).call(saved -> audit.record("license-updated", actor,
                            LicenseView.of(saved, true).withoutToken(),
                            installed == null ? null : LicenseView.of(installed, true).withoutToken()));
                }))
                .invoke(license -> current = license)
                .map(license -> LicenseView.of(license, status() == Status.VALID));
    }

    private License toEntity(VerifiedLicense verified, Actor actor) {
        License license = new License();
        license.token = verified.token();
        license.customer = verified.customer();
        license.type = verified.type();
        license.plan = verified.plan();
        license.instanceName = verified.instanceName();
        license.instanceId = verified.instanceId();
        license.seats = verified.seats();
        license.releaseTemplates = verified.releaseTemplates();
        license.edgeInstances = verified.edgeInstances();
        license.readOnlyUsers = verified.readOnlyUsers();
        license.issuedAt = verified.issuedAt();
        license.expiresAt = verified.expiresAt();
        license.installedAt = clock.instant();
        license.installedBy = actor.name();
        return license;
    }

    /** {@code GET /api/admin/license/check}: the most pressing thing an operator should know. */
    public Uni<LicenseCheck> check() {
        License license = current;
        Status status = status();
        Instant now = clock.instant();
        if (license == null) {
            return Uni.createFrom().item(new LicenseCheck(false, "No license is installed.", "error"));
        }
        if (status == Status.READ_ONLY) {
            return Uni.createFrom().item(new LicenseCheck(false, "The license expired "
                    + daysBetween(license.expiresAt, now)
                    + " days ago and its grace period is over: the admin API is read-only until a new license is installed.",
                    "error"));
        }
        if (status == Status.GRACE) {
            Instant readOnlyAt = license.expiresAt.plus(config.grace());
            return Uni.createFrom()
                    .item(new LicenseCheck(false, "The license expired " + daysBetween(license.expiresAt, now)
                            + " days ago. The admin API becomes read-only in " + daysBetween(now, readOnlyAt)
                            + " days unless a new license is installed.", "warning"));
        }
        if (license.expiresAt.isBefore(now.plus(EXPIRY_WARNING))) {
            return Uni.createFrom()
                    .item(new LicenseCheck(true, "The license expires in " + daysBetween(now, license.expiresAt)
                            + " days.", "warning"));
        }
        return Panache.withSession(seats::usage).chain(usage -> edgeInstances.recentCount().map(edges -> {
            // The seat rule's reading of limits: none stated, nothing to warn about; 0 stated, full at once.
            if (license.seats != null && usage.seats() * 10 >= license.seats * 9L) {
                return new LicenseCheck(true, usage.seats() + " of " + license.seats + " seats are in use.", "warning");
            }
            if (!License.within(license.edgeInstances, edges)) {
                return new LicenseCheck(true, edges + " Edge instances are in use; the license allows "
                        + license.edgeInstances + ".", "warning");
            }
            return new LicenseCheck(true, "The license is valid until " + license.expiresAt + ".", "info");
        }));
    }

    private static long daysBetween(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toDays());
    }
}
