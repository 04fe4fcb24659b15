package dev.flagward.security.authentication;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The one batched last-use write shared by every credential table (a {@code selector} and a {@code seen_at} column),
 * announced to every replica in the same transaction so that their listings show it too.
 * <p>
 * Announcements go to {@link #CHANNEL} as {@code selector epochMicros,selector epochMicros,...},
 * split to stay under PostgreSQL's 8000-byte payload limit. Selectors never hold a space or a comma.
 */
public final class SeenAtWriter {

    /** Last-use batches, announced by the replica that wrote them, read by every replica's LISTEN connection. */
    public static final String CHANNEL = "flagward_seen";

    static final int MAX_PAYLOAD = 7800;

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
        List<String> announcements = encode(lastSeen);
        return pool.withTransaction(connection -> connection.preparedQuery("update " + table + " t set seen_at = v.seen"
                + " from unnest($1::text[], $2::timestamptz[]) as v(selector, seen)"
                + " where t.selector = v.selector and (t.seen_at is null or t.seen_at < v.seen)")
                .execute(Tuple.of(selectors, times))
                .chain(() -> connection
                        .preparedQuery("select pg_notify($1, payload) from unnest($2::text[]) as payload")
                        .execute(Tuple.of(CHANNEL, announcements.toArray(String[]::new)))))
                .replaceWithVoid();
    }

    static List<String> encode(Map<String, Instant> lastSeen) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (Map.Entry<String, Instant> use : lastSeen.entrySet()) {
            String item = use.getKey() + " " + StoredCredential.micros(use.getValue());
            if (payload.length() > 0 && payload.length() + 1 + item.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(0);
            }
            if (payload.length() > 0) {
                payload.append(',');
            }
            payload.append(item);
        }
        if (payload.length() > 0) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** Calls {@code use} for every well-formed item of an announcement; anything else is skipped. */
    public static void decode(String payload, BiConsumer<String, Instant> use) {
        for (String item : payload.split(",")) {
            int space = item.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                long micros = Long.parseLong(item, space + 1, item.length(), 10);
                use.accept(item.substring(0, space), StoredCredential.instant(micros));
            } catch (NumberFormatException | DateTimeException e) {
                // Not ours, or damaged: last use is informational, never worth failing over.
            }
        }
    }
}
