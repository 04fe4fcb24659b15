package dev.flagward.instance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagward.security.access.Access;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.security.principal.Permission;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Path("/api/admin/instance-admin/statistics")
@Tag(name = "Instance Admin", description = "Login history, statistics and license")
public class StatisticsResource {

    static final String CSV = "text/csv; charset=utf-8";

    private final InstanceStatistics statistics;
    private final InstanceSigningKey signingKey;

    private final Counter jsonRequests;
    private final Counter csvRequests;

    public StatisticsResource(InstanceStatistics statistics, InstanceSigningKey signingKey, MeterRegistry registry) {
        this.statistics = statistics;
        this.signingKey = signingKey;
        this.jsonRequests = Counter.builder("flagward.statistics.requests").tag("format", "json").register(registry);
        this.csvRequests = Counter.builder("flagward.statistics.requests").tag("format", "csv").register(registry);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInstanceAdminStats",
            summary = "Instance usage statistics, with Unleash's sum and a signature")
    @APIResponse(responseCode = "200", description = "The statistics, counted now, signed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = StatisticsView.class)))
    public Uni<ObjectNode> json() {
        jsonRequests.increment();
        return statistics.current();
    }

    @GET
    @Path("/csv")
    @Produces("text/csv")
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInstanceAdminStatsCsv",
            summary = "Instance usage statistics as CSV (a header row and one row)")
    public Uni<Response> csv() {
        csvRequests.increment();
        return statistics.current().map(stats -> Response.ok(StatisticsFormat.csv(stats), CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"unleash-" + stats.get("instanceId").asText()
                                + "-" + Instant.parse(stats.get("timestamp").asText()).toEpochMilli() + ".csv\"")
                .build());
    }

    public record StatisticsKey(@Schema(required = true) String kid, @Schema(required = true) String algorithm,
            @Schema(required = true) String pem, @Schema(required = true) Map<String, Object> jwk) {}

    /**
     * The statistics' shape, for the published contract: the answer itself is built as a JSON object (its exact bytes
     * are what the signature covers).
     */
       /** One entry of {@code clientApps}: how many client applications were seen in a range (none here). */
    public record ClientApps(@Schema(required = true) String range, @Schema(required = true) long count) {}

    @Schema(name = "InstanceAdminStats")
    public record StatisticsView(@Schema(required = true) String instanceId,
            @Schema(required = true, format = "date-time") String timestamp,
            @Schema(required = true) String versionOSS,
            @Schema(required = true) String versionEnterprise,
            @Schema(required = true) long users,
            @Schema(required = true) Map<String, Long> usersByRole,
            @Schema(required = true) long serviceAccounts,
            @Schema(required = true) Map<String, Long> apiTokens,
            @Schema(required = true) long personalAccessTokens,
            @Schema(required = true) long signalEndpoints,
            @Schema(required = true) long signals,
            @Schema(required = true) long licensedUsers,
            @Schema(required = true) long readOnlyUsers,
            @Schema(required = true) Map<String, Long> activeUsers,
            @Schema(required = true) long projects,
            @Schema(required = true) long environments,
            @Schema(required = true) long featureToggles,
            @Schema(required = true) long roles,
            @Schema(required = true) long groups,
            @Schema(required = true) long segments,
            @Schema(required = true) long archivedFeatureToggles,
            @Schema(required = true) long contextFields,
            @Schema(required = true) long customRootRoles,
            @Schema(required = true) long customRootRolesInUse,
            @Schema(required = true) long strategies,
            @Schema(required = true) long featureExports,
            @Schema(required = true) long featureImports,
            @Schema(required = true) long releaseTemplates,
            @Schema(required = true) long releasePlans,
            @Schema(required = true) long maxEnvironmentStrategies,
            @Schema(required = true) long maxConstraints,
            @Schema(required = true) long maxConstraintValues,
            @Schema(required = true) Map<String, Long> productionChanges,
            @Schema(required = true) Map<String, Long> previousDayMetricsBucketsCount,
            @Schema(required = true) List<ClientApps> clientApps,
            @Schema(required = true) boolean passwordAuthEnabled,
            @Schema(required = true) boolean SAMLenabled,
            @Schema(required = true) boolean OIDCenabled,
            @Schema(required = true) boolean SCIMenabled,
            @Schema(required = true,
                    description = "Month (YYYY-MM) → average Edge instances") Map<String, BigDecimal> edgeInstanceUsage,
            @Schema(required = true, description = "Unleash's tamper check: hex SHA-256") String sum,
            @Schema(required = true, description = "Compact JWS (EdDSA) of everything else") String signature) {}

    @GET
    @Path("/key")
    @Produces(MediaType.APPLICATION_JSON)
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInstanceAdminStatsKey",
            summary = "The public key that verifies the statistics' signature (PEM and JWK)")
    public Uni<StatisticsKey> key() {
        if (!signingKey.available()) {
            throw SecretBox.keyMissing("The statistics signing key");
        }
        return signingKey.key()
                .map(key -> new StatisticsKey(key.kid(), "EdDSA", InstanceSigningKey.pem(key.publicKey()),
                        InstanceSigningKey.jwk(key.kid(), key.publicKey())));
    }
}
