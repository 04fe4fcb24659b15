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
    private static final String VIEW = """
            select s.id, s.source, s.source_id, e.name, e.description, s.payload::text as payload, s.created_at,
                   s.created_by_source_token_id, s.token_name
              from signals s join signal_endpoints e on e.id = s.source_id
            """;

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

    /** Signals after this id, oldest first (a stream catching up), at most {@code limit}. */
    public Uni<List<SignalView>> after(long id, int limit) {
        return pool.preparedQuery(VIEW + " where s.id > $1 order by s.id limit $2").execute(Tuple.of(id, limit))
                .map(rows -> {
                    List<SignalView> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(view(row)));
                    return out;
                });
    }

    /** These signals, in id order; those gone already are left out. */
    public Uni<List<SignalView>> byIds(List<Long> ids) {
        return pool.preparedQuery(VIEW + " where s.id = any($1) order by s.id").execute(Tuple.of(ids.toArray(Long[]::new)))
                .map(rows -> {
                    List<SignalView> out = new ArrayList<>(rows.size());
                    rows.forEach(row -> out.add(view(row)));
                    return out;
                });
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
