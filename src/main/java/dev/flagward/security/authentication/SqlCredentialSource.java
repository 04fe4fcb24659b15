package dev.flagward.security.authentication;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one credential source: a kind's rows read with the reactive client directly (loading 100,000 credentials at
 * start should cost rows, not entities). A feature subclasses it as a bean, so the cache finds it among the
 * {@link CredentialSource} beans, and declares its kind, its queries ({@link Rows}) and its row mapping
 * ({@link RowMapping}).
 */
public abstract class SqlCredentialSource implements CredentialSource {

    /**
     * Where a kind's credentials are: {@code table} (a constant, never user input) holds the {@code selector} and
     * {@code seen_at} columns last uses are written to; {@code all} reads every credential, and {@code one} the
     * credential whose selector is {@code $1}. With {@code pageSize > 0}, {@code all} is read in pages by id:
     * {@code $1} is the last id read, {@code $2} the page size, and it orders its rows by their {@code id} column.
     */
    public record Rows(String table, String all, String one, int pageSize) {

        /** Every credential in one result. */
        public static Rows whole(String table, String all, String one) {
            return new Rows(table, all, one, 0);
        }
    }

    /** How a kind's rows become cache entries; a row mapped to null loads as nothing. */
    public interface RowMapping {

        /** The mapping of one full load (used for all its pages); it may first read what every row needs. */
        Uni<Function<Row, StoredCredential>> forFullLoad();

        /** The one row of a reload after a change. */
        Uni<StoredCredential> forOne(Row row);

        /** A row alone makes its entry. */
        static RowMapping of(Function<Row, StoredCredential> mapping) {
            return perLoad(() -> mapping);
        }

        /** A row alone makes its entry, with a mapping made anew for each load (one that keeps state across rows). */
        static RowMapping perLoad(Supplier<Function<Row, StoredCredential>> mapping) {
            return new RowMapping() {

                @Override
                public Uni<Function<Row, StoredCredential>> forFullLoad() {
                    return Uni.createFrom().item(mapping.get());
                }

                @Override
                public Uni<StoredCredential> forOne(Row row) {
                    return Uni.createFrom().item(mapping.get().apply(row));
                }
            };
        }
    }

    private final Pool pool;
    private final String kind;
    private final String prefix;
    private final Channel channel;
    private final Rows rows;
    private final RowMapping mapping;

    protected SqlCredentialSource(Pool pool, String kind, String prefix, Channel channel, Rows rows,
            RowMapping mapping) {
        this.pool = pool;
        this.kind = kind;
        this.prefix = prefix;
        this.channel = channel;
        this.rows = rows;
        this.mapping = mapping;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public Uni<Void> loadAll(Consumer<StoredCredential> sink) {
        return mapping.forFullLoad().chain(map -> rows.pageSize() > 0
                ? loadFrom(0L, map, sink)
                : pool.query(rows.all()).execute().invoke(result -> result.forEach(row -> accept(row, map, sink)))
                        .replaceWithVoid());
    }

    /**
     * A page at a time: a single result of 100,000 rows would be buffered and decoded whole (tens of MB at once on a
     * 112 MB heap), a page at a time keeps the peak to the cache itself.
     */
    private Uni<Void> loadFrom(long afterId, Function<Row, StoredCredential> map, Consumer<StoredCredential> sink) {
        return pool.preparedQuery(rows.all()).execute(Tuple.of(afterId, rows.pageSize())).chain(result -> {
            long last = afterId;
            for (Row row : result) {
                accept(row, map, sink);
                last = row.getLong("id");
            }
            return result.size() < rows.pageSize() ? Uni.createFrom().voidItem() : loadFrom(last, map, sink);
        });
    }

    private static void accept(Row row, Function<Row, StoredCredential> map, Consumer<StoredCredential> sink) {
        StoredCredential credential = map.apply(row);
        if (credential != null) {
            sink.accept(credential);
        }
    }

    @Override
    public Uni<StoredCredential> load(String selector) {
        return pool.preparedQuery(rows.one()).execute(Tuple.of(selector))
                .chain(result -> result.size() == 0
                        ? Uni.createFrom().nullItem()
                        : mapping.forOne(result.iterator().next()));
    }

    @Override
    public Uni<Void> recordSeen(Map<String, Instant> lastSeen) {
        return SeenAtWriter.write(pool, rows.table(), lastSeen);
    }
}
