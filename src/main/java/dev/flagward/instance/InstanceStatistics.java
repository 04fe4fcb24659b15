package dev.flagward.instance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagward.license.LicenseService;
import dev.flagward.security.keys.InstanceKeys;
import dev.flagward.user.SeatService;
import dev.flagward.web.Timestamps;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instance usage statistics (SPEC §8.1), counted from the database at the moment of the call. The figures that are
 * rules elsewhere come from their owners (licensed and read-only users as the license counts them, Edge instances
 * as the license counts them); plain counts are one reporting statement, so they are one consistent snapshot.
 * The object carries Unleash's {@code sum} and a {@code signature}: a compact JWS over the object without it.
 */
@ApplicationScoped
public class InstanceStatistics {

    /** Roles Unleash would count: Flagward's root roles. */
    static final int ROLES = 3;

    private static final String COUNTS = """
            select
              (select count(*) from users where deleted_at is null) as users,
              (select count(*) from users where deleted_at is null and root_role = 'Admin') as admins,
              (select count(*) from users where deleted_at is null and root_role = 'Editor') as editors,
              (select count(*) from users where deleted_at is null and root_role = 'Viewer') as viewers,
              (select count(*) from api_tokens where type = 'admin') as admin_tokens,
              (select count(*) from api_tokens where type = 'client') as client_tokens,
              (select count(*) from api_tokens where type = 'backend') as backend_tokens,
              (select count(*) from api_tokens where type = 'frontend') as frontend_tokens,
              (select count(*) from personal_access_tokens) as pats,
              (select count(*) from signal_endpoints) as signal_endpoints,
              (select count(*) from signals) as signals,
              (select count(*) from projects) as projects,
              (select count(*) from environments) as environments,
              a.last7, a.last30, a.last60, a.last90
            from (select count(*) filter (where last_seen > $1::timestamptz - interval '7 days') as last7,
                         count(*) filter (where last_seen > $1::timestamptz - interval '30 days') as last30,
                         count(*) filter (where last_seen > $1::timestamptz - interval '60 days') as last60,
                         count(*) filter (where last_seen > $1::timestamptz - interval '90 days') as last90
                    from user_activity) a
            """;

    private final Pool pool;
    private final InstanceKeys instance;
    private final InstanceSigningKey signingKey;
    private final SeatService seats;
    private final LicenseService license;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final String version;

    public InstanceStatistics(Pool pool, InstanceKeys instance, InstanceSigningKey signingKey, SeatService seats,
            LicenseService license, ObjectMapper mapper, Clock clock,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "0.0.0") String version) {
        this.pool = pool;
        this.instance = instance;
        this.signingKey = signingKey;
        this.seats = seats;
        this.license = license;
        this.mapper = mapper;
        this.clock = clock;
        this.version = version;
    }

    /** The signed statistics object, in its documented field order. */
    public Uni<ObjectNode> current() {
        Instant now = clock.instant();
        return pool.preparedQuery(COUNTS).execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next())
                .chain(counts -> Panache.withSession(seats::usage)
                        .chain(seats -> license.edgeInstanceMonthlyAverages()
                                .map(edges -> assemble(now, counts, seats, edges))))
                .chain(this::sign);
    }

    private ObjectNode assemble(Instant now, Row c, SeatService.SeatUsage seats, Map<String, BigDecimal> edges) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("instanceId", instance.instanceId());
        stats.put("timestamp", Timestamps.format(now)); // SPEC §2: UTC with milliseconds
        stats.put("versionOSS", version);
        // One build holds every feature, the enterprise ones included.
        stats.put("versionEnterprise", version);
        stats.put("users", c.getLong("users"));
        stats.put("usersByRole", ordered("Admin", c.getLong("admins"), "Editor", c.getLong("editors"),
                "Viewer", c.getLong("viewers")));
        stats.put("serviceAccounts", 0L);
        stats.put("apiTokens", ordered("admin", c.getLong("admin_tokens"), "client", c.getLong("client_tokens"),
                "backend", c.getLong("backend_tokens"), "frontend", c.getLong("frontend_tokens")));
        stats.put("personalAccessTokens", c.getLong("pats"));
        stats.put("signalEndpoints", c.getLong("signal_endpoints"));
        stats.put("signals", c.getLong("signals"));
        stats.put("licensedUsers", seats.seats());
        stats.put("readOnlyUsers", seats.readOnlyUsers());
        stats.put("activeUsers", ordered("last7", c.getLong("last7"), "last30", c.getLong("last30"),
                "last60", c.getLong("last60"), "last90", c.getLong("last90")));
        stats.put("projects", c.getLong("projects"));
        stats.put("environments", c.getLong("environments"));
        // The figures Unleash's sum also covers; Flagward has none of these objects (roles: its three root roles).
        stats.put("featureToggles", 0L);
        stats.put("roles", (long) ROLES);
        stats.put("groups", 0L);
        stats.put("segments", 0L);
        // Unleash's other figures, answered as they are here: Flagward has no feature flags (so no archived ones,
        // strategies, constraints, production changes, imports or exports), no context fields, custom root roles or
        // release templates, and serves no SDK (no client applications, no metrics). Sign-in is by password only.
        stats.put("archivedFeatureToggles", 0L);
        stats.put("contextFields", 0L);
        stats.put("customRootRoles", 0L);
        stats.put("customRootRolesInUse", 0L);
        stats.put("strategies", 0L);
        stats.put("featureExports", 0L);
        stats.put("featureImports", 0L);
        stats.put("releaseTemplates", 0L);
        stats.put("releasePlans", 0L);
        stats.put("maxEnvironmentStrategies", 0L);
        stats.put("maxConstraints", 0L);
        stats.put("maxConstraintValues", 0L);
        stats.put("productionChanges", ordered("last30", 0L, "last60", 0L, "last90", 0L));
        stats.put("previousDayMetricsBucketsCount", ordered("enabledCount", 0L, "variantCount", 0L));
        stats.put("clientApps", List.of(ordered("range", "allTime", "count", 0L),
                ordered("range", "30d", "count", 0L), ordered("range", "7d", "count", 0L)));
        stats.put("passwordAuthEnabled", true);
        stats.put("SAMLenabled", false);
        stats.put("OIDCenabled", false);
        stats.put("SCIMenabled", false);
        stats.put("edgeInstanceUsage", edges);
        ObjectNode node = mapper.valueToTree(stats);
        node.put("sum", StatisticsFormat.sum(node));
        return node;
    }

    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** Adds {@code signature} (null when no FLAGWARD_SECRETS_KEY is configured to keep the instance key). */
    private Uni<ObjectNode> sign(ObjectNode stats) {
        if (!signingKey.available()) {
            stats.putNull("signature");
            return Uni.createFrom().item(stats);
        }
        return signingKey.key().map(key -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> claims = mapper.convertValue(stats, Map.class);
            String jws = Jwt.claims(claims).jws()
                    .algorithm(SignatureAlgorithm.EDDSA)
                    .keyId(key.kid())
                    .header("typ", StatisticsFormat.JWS_TYPE)
                    .sign(key.privateKey());
            stats.put("signature", jws);
            return stats;
        });
    }
}
