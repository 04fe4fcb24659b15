package dev.flagward.security;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** The one batched last-use write shared by every credential table (a {@code selector} and a {@code seen_at} column). */
public final class SeenAtWriter {

    private SeenAtWriter() {
    }

    /**
     * One statement for the whole batch; {@code seen_at} only ever moves forward.
     *
     * @param table a credential table name, a constant of the calling source (never user input)
     */
    public static Uni<Void> write(Pool pool, String table, Map<String, Instant> lastSeen) {
        String[] selectors = lastSeen.keySet().toArray(String[]::new);
        OffsetDateTime[] times = new OffsetDateTime[selectors.length];
        for (int i = 0; i < selectors.length; i++) {
            times[i] = lastSeen.get(selectors[i]).atOffset(ZoneOffset.UTC);
        }
        return pool.preparedQuery("update " + table + " t set seen_at = v.seen"
                        + " from unnest($1::text[], $2::timestamptz[]) as v(selector, seen)"
                        + " where t.selector = v.selector and (t.seen_at is null or t.seen_at < v.seen)")
                .execute(Tuple.of(selectors, times)).replaceWithVoid();
    }
}
