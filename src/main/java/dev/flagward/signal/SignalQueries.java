package dev.flagward.signal;

import dev.flagward.signal.SignalApi.EndpointSignal;
import dev.flagward.signal.SignalApi.SignalList;
import dev.flagward.signal.SignalApi.SignalView;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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

    @Inject
    Pool pool;

    /** An endpoint's signals, newest first; 404 for an unknown endpoint. */
    public Uni<List<EndpointSignal>> ofEndpoint(long endpointId, int limit, int offset) {
        return pool.preparedQuery("select exists (select 1 from signal_endpoints where id = $1)")
                .execute(Tuple.of(endpointId))
                .chain(found -> {
                    if (!found.iterator().next().getBoolean(0)) {
                        throw ApiException.notFound("No signal endpoint with id " + endpointId + " exists.");
                    }
                    return pool
                            .preparedQuery(
                                    "select id, payload::text as payload, created_at, source, source_id, token_name "
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

    /** A signal at its place in the stream. */
    public record Placed(Position position, SignalView signal) {}

    /**
     * The transactions running at one moment ({@code xmax}: the first transaction id not yet started then). Whatever a
     * running transaction writes will sort at its own id, so signals beyond the oldest one that matters must wait.
     */
    public record Running(long xmax, long[] transactions) {}

    /** At most this much payload in one page, so a consumer that stops reading mid-page holds little. */
    static final int PAGE_BYTES = 1 << 20;

    /** A page of the stream; {@code more} when it stopped at its row or byte limit rather than at the end. */
    public record Page(List<Placed> signals, boolean more) {}

    /** Signals after a place, in stream order: at most {@code limit}, and about {@link #PAGE_BYTES} of payload. */
    public Uni<Page> after(Position position, int limit) {
        return pool.preparedQuery("select * from (select p.*, count(*) over () as fetched, "
                + "sum(octet_length(p.payload)) over (order by p.tx, p.id) - octet_length(p.payload) as before "
                + "from (select s.tx::text::bigint as tx, " + VIEW_TAIL
                + " where (s.tx, s.id) > ($1::bigint::text::xid8, $2) order by s.tx, s.id limit $3) p) w "
                + "where w.before < $4 order by w.tx, w.id")
                .execute(Tuple.of(position.tx(), position.id(), limit, PAGE_BYTES))
                .map(rows -> {
                    List<Placed> signals = placed(rows);
                    long fetched = rows.size() == 0 ? 0 : rows.iterator().next().getLong("fetched");
                    return new Page(signals, fetched == limit || signals.size() < fetched);
                });
    }

    /** The transactions running now. */
    public Uni<Running> running() {
        return pool.query("select pg_snapshot_xmax(s)::text::bigint as xmax, "
                + "array(select x::text::bigint from pg_snapshot_xip(s) x) as running from pg_current_snapshot() s")
                .execute().map(rows -> {
                    Row row = rows.iterator().next();
                    Long[] running = row.getArrayOfLongs("running");
                    long[] transactions = new long[running.length];
                    for (int i = 0; i < running.length; i++) {
                        transactions[i] = running[i];
                    }
                    return new Running(row.getLong("xmax"), transactions);
                });
    }

    /** The last place before {@code horizon}: a consumer starting now gets everything after it. */
    public Uni<Position> headBefore(long horizon) {
        return pool
                .preparedQuery(
                        "select s.tx::text::bigint as tx, s.id from signals s where s.tx < $1::bigint::text::xid8 "
                                + "order by s.tx desc, s.id desc limit 1")
                .execute(Tuple.of(horizon))
                .map(rows -> rows.size() == 0 ? Position.START : position(rows.iterator().next()));
    }

    /**
     * The place of signal {@code id}, also when it is purged (its place is kept for the resume window), or null when it
     * is unknown: never stored, or purged longer ago than the window.
     */
    public Uni<Position> placeOf(long id) {
        return pool.preparedQuery("select s.tx::text::bigint as tx, s.id from signals s where s.id = $1 "
                + "union all select p.tx::text::bigint, p.id from signal_places p where p.id = $1 limit 1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : position(rows.iterator().next()));
    }

    /** For a resume point no place is known for: just before the earliest retained signal after that id, or null. */
    public Uni<Position> beforeEarliestAfter(long id) {
        return pool
                .preparedQuery("select s.tx::text::bigint as tx from signals s where s.id > $1 order by s.tx limit 1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0
                        ? null
                        : new Position(rows.iterator().next().getLong("tx") - 1, Long.MAX_VALUE));
    }

    private static List<Placed> placed(RowSet<Row> rows) {
        List<Placed> out = new ArrayList<>(rows.size());
        rows.forEach(row -> out.add(new Placed(position(row), view(row))));
        return out;
    }

    private static Position position(Row row) {
        return new Position(row.getLong("tx"), row.getLong("id"));
    }

    private static SignalView view(Row row) {
        return new SignalView(row.getLong("id"), row.getString("source"), row.getLong("source_id"),
                row.getString("name"),
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
