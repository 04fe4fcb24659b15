package dev.flagward.license;

import dev.flagward.apitoken.EdgeSightings;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Counts Edge instances (SPEC §7.4): the distinct {@code UNLEASH-INSTANCEID} headers of {@code /edge/validate} calls
 * that validated at least one token, per 5-minute bucket, shared by all replicas through one row per (bucket,
 * instance). The header is whatever the caller sent: an id that is not plausible (length, characters) is ignored,
 * and each replica records at most {@link #MAX_PER_BUCKET} distinct instances per bucket. The hot path is a set
 * lookup; the database is written once per instance per bucket per replica.
 */
@Singleton
public class EdgeInstances implements EdgeSightings {

    private static final Logger LOG = Logger.getLogger(EdgeInstances.class);
    static final Duration BUCKET = Duration.ofMinutes(5);
    /** Host names, UUIDs, ULIDs and Edge's own {@code name@id} forms; no spaces, quotes or control characters. */
    private static final Pattern PLAUSIBLE = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,99}$");
    static final int MAX_PER_BUCKET = 1_000;

    @Inject
    Pool pool;
    @Inject
    Clock clock;
    private volatile long bucket = -1;
    private volatile Set<String> seenInBucket = ConcurrentHashMap.newKeySet();

    static long bucketOf(Instant instant) {
        return instant.getEpochSecond() / BUCKET.toSeconds();
    }

    /** Records that an Edge instance called; returns at once (the write, when needed, happens in the background). */
    @Override
    public void validated(String instanceId) {
        if (instanceId == null || !PLAUSIBLE.matcher(instanceId).matches()) {
            return;
        }
        long now = bucketOf(clock.instant());
        if (now != bucket) {
            bucket = now;
            seenInBucket = ConcurrentHashMap.newKeySet();
        }
        Set<String> seen = seenInBucket;
        if (seen.size() >= MAX_PER_BUCKET || !seen.add(instanceId)) {
            return;
        }
        Instant start = Instant.ofEpochSecond(now * BUCKET.toSeconds());
        pool.preparedQuery(
                "insert into edge_instance_sightings (bucket_start, instance_id) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(start.atOffset(ZoneOffset.UTC), instanceId))
                .subscribe().with(ok -> {}, failure -> {
                    seen.remove(instanceId);
                    LOG.debugf("Could not record an Edge instance: %s", failure.getMessage());
                });
    }

    /** Distinct instances in the current or the previous bucket, whichever saw more (all replicas). */
    public Uni<Long> recentCount() {
        long now = bucketOf(clock.instant());
        return pool.preparedQuery("select coalesce(max(n), 0) from (select count(*) as n from edge_instance_sightings "
                + "where bucket_start >= $1 group by bucket_start) b")
                .execute(Tuple.of(Instant.ofEpochSecond((now - 1) * BUCKET.toSeconds()).atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Month ("YYYY-MM", UTC) → average distinct instances per 5-minute bucket that saw any, to two decimals (exact:
     * PostgreSQL's numeric, rounded half up), for statistics and usage statements.
     */
    public Uni<Map<String, BigDecimal>> monthlyAverages() {
        return pool.query("select to_char(date_trunc('month', bucket_start at time zone 'UTC'), 'YYYY-MM') as month, "
                + "round(avg(n), 2) as average "
                + "from (select bucket_start, count(*) as n from edge_instance_sightings group by bucket_start) b "
                + "group by 1 order by 1").execute()
                .map(rows -> {
                    Map<String, BigDecimal> out = new LinkedHashMap<>();
                    rows.forEach(row -> out.put(row.getString("month"), row.getBigDecimal("average")));
                    return out;
                });
    }

    @Scheduled(every = "24h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return pool.query("delete from edge_instance_sightings where bucket_start < now() - interval '400 days'")
                .execute().replaceWithVoid();
    }
}
