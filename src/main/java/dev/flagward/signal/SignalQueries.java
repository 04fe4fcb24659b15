package dev.flagward.signal;

import dev.flagward.signal.SignalApi.EndpointSignal;
import dev.flagward.signal.SignalApi.SignalList;
import dev.flagward.signal.SignalApi.SignalView;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The read side of signals: an endpoint's history, the query across endpoints, and one signal by id (the stream). */
@ApplicationScoped
public class SignalQueries {

    static final int MAX_LIMIT = 1000;
    /** The columns and tables of a signal as listed, after the {@code select} (so callers can add columns before them). */
    private static final String VIEW_TAIL = """
            s.id, s.source, s.source_id, e.name, e.description, s.payload::text as payload, s.created_at,
                   s.created_by_source_token_id, s.token_name
              from signals s join signal_endpoints e on e.id = s.source_id
            """;
    private static final String VIEW = "select " + VIEW_TAIL;

    private final Pool pool;

    public SignalQueries(Pool pool) {
        this.pool = pool;
    }

    /** An endpoint's signals, newest first; 404 for an unknown endpoint. */
    public Uni<List<EndpointSignal>> ofEndpoint(long endpointId, int limit, int offset) {
        return pool.preparedQuery("select exists (select 1 from signal_endpoints where id = $1)").execute(Tuple.of(endpointId))
                .chain(found -> {
                    if (!found.iterator().next().getBoolean(0)) {
                        throw ApiException.notFound("No signal endpoint with id " + endpointId + " exists.");
                    }
                    return pool.preparedQuery("select id, payload::text as payload, created_at, source, source_id, token_name "
                                    + "from signals where source_id = $1 order by id desc limit $2 offset $3")
                            .execute(Tuple.of(endpointId, limit, offset));
                })
                .map(rows -> {
                    List<EndpointSignal> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new EndpointSignal(row.getLong("id"), row.getString("payload"),
                                row.getOffsetDateTime("created_at").toInstant(), row.getString("source"),
                                row.getLong("source_id"), row.getString("token_name")));
                    }
                    return out;
                });
    }

    /** Signals created between two days (UTC, both included), newest first, with the total that match. */
    public Uni<SignalList> between(String from, String to, int limit, int offset) {
        OffsetDateTime start = day(from, "from");
        OffsetDateTime end = day(to, "to");
        if (start != null && end != null && start.isAfter(end)) {
            throw ApiException.badData("The from date is after the to date.", "/query/from");
        }
        OffsetDateTime endExclusive = end == null ? null : end.plusDays(1);
        String where = " where ($1::timestamptz is null or s.created_at >= $1) and ($2::timestamptz is null or s.created_at < $2)";
        Tuple range = Tuple.of(start, endExclusive);
        return pool.preparedQuery(VIEW + where + " order by s.id desc limit $3 offset $4")
                .execute(Tuple.of(start, endExclusive, limit, offset))
                .chain(rows -> pool.preparedQuery("select count(*) from signals s" + where).execute(range)
                        .map(count -> {
                            List<SignalView> out = new ArrayList<>(rows.size());
                            rows.forEach(row -> out.add(view(row)));
                            return new SignalList(out, count.iterator().next().getLong(0));
                        }));
    }

    /**
     * A place in the stream's order: the writing transaction, then the id. Everything at or before a delivered place
     * is settled (its transaction and every older one have finished), so nothing can appear before it later.
     */
    public record Position(long tx, long id) implements Comparable<Position> {
        static final Position START = new Position(0, 0);

        @Override
        public int compareTo(Position other) {
            int byTx = Long.compare(tx, other.tx);
            return byTx != 0 ? byTx : Long.compare(id, other.id);
        }
    }

    /** A signal at its place in the stream; {@code settled} once no transaction older than its own is running. */
    public record Placed(Position position, boolean settled, SignalView signal) {
    }

    private static final String SETTLED = "s.tx < pg_snapshot_xmin(pg_current_snapshot())";

    /** Signals after a place, in stream order, at most {@code limit}; the settled ones come first. */
    public Uni<List<Placed>> after(Position position, int limit) {
        return pool.preparedQuery("select s.tx::text::bigint as tx, " + SETTLED + " as settled, " + VIEW_TAIL
                        + " where (s.tx, s.id) > ($1::bigint::text::xid8, $2) order by s.tx, s.id limit $3")
                .execute(Tuple.of(position.tx(), position.id(), limit))
                .map(rows -> {
                    List<Placed> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(new Placed(new Position(row.getLong("tx"), row.getLong("id")),
                            row.getBoolean("settled"), view(row))));
                    return out;
                });
    }

    /** The last settled place: a consumer starting now gets everything after it. */
    public Uni<Position> head() {
        return pool.query("select s.tx::text::bigint as tx, s.id from signals s where " + SETTLED
                        + " order by s.tx desc, s.id desc limit 1").execute()
                .map(rows -> rows.size() == 0 ? Position.START : position(rows.iterator().next()));
    }

    /**
     * Where a consumer that last saw signal {@code id} resumes: right after that signal. When retention has purged it,
     * from the oldest retained signal after it (what it missed meanwhile is gone); when there is none, from now.
     */
    public Uni<Position> resumeAfter(long id) {
        return pool.preparedQuery("select s.tx::text::bigint as tx, s.id from signals s where s.id = $1").execute(Tuple.of(id))
                .chain(found -> found.size() == 1 ? Uni.createFrom().item(position(found.iterator().next()))
                        : pool.preparedQuery("select s.tx::text::bigint as tx from signals s where s.id > $1 order by s.tx limit 1")
                        .execute(Tuple.of(id))
                        .chain(later -> later.size() == 1
                                ? Uni.createFrom().item(new Position(later.iterator().next().getLong("tx") - 1, Long.MAX_VALUE))
                                : head()));
    }

    private static Position position(Row row) {
        return new Position(row.getLong("tx"), row.getLong("id"));
    }

    private static SignalView view(Row row) {
        return new SignalView(row.getLong("id"), row.getString("source"), row.getLong("source_id"), row.getString("name"),
                row.getString("description"), row.getString("payload"), row.getOffsetDateTime("created_at").toInstant(),
                row.getLong("created_by_source_token_id"), row.getString("token_name"));
    }

    /** Unleash's query form {@code IS:2024-01-31} (a plain date is taken too); null when absent. */
    static OffsetDateTime day(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.regionMatches(true, 0, "IS:", 0, 3)) {
            text = text.substring(3);
        }
        try {
            return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ApiException.badData("The query parameter " + name + " must be IS:yyyy-MM-dd.", "/query/" + name);
        }
    }
}
