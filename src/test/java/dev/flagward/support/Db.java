package dev.flagward.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Direct reads of the database, to assert what a request left behind (tests only; blocking is fine here). */
public final class Db {

    private Db() {
    }

    public static List<Row> rows(Pool pool, String sql, Object... params) {
        List<Row> out = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.from(params)).await().atMost(Duration.ofSeconds(10)).forEach(out::add);
        return out;
    }

    public static long count(Pool pool, String sql, Object... params) {
        return rows(pool, sql, params).get(0).getLong(0);
    }

    /**
     * Fails when any row of the table holds the secret or its random part in any column: as text, or as the bytes of
     * the text in a bytea column (hex, as PostgreSQL prints them) or base64. A hash of it is fine; the secret is not.
     */
    public static void assertSecretNotStored(Pool pool, String table, String secret) {
        int mark = secret.indexOf("v2_");
        String random = mark < 0 ? secret : secret.substring(mark + 3 + 22 + 1, secret.length() - 6);
        List<String> needles = new ArrayList<>();
        for (String part : List.of(secret, random)) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            needles.add(part);
            needles.add(HexFormat.of().formatHex(bytes));
            needles.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        }
        List<Row> all = rows(pool, "select t::text from " + table + " t");
        if (all.isEmpty()) {
            throw new AssertionError("table " + table + " is empty: nothing was checked");
        }
        for (Row row : all) {
            String text = row.getString(0);
            for (String needle : needles) {
                if (text.contains(needle)) {
                    throw new AssertionError("table " + table + " stores the secret (or its random part) in a row");
                }
            }
        }
    }

    /**
     * {@link #assertSecretNotStored} for every table of the schema that has rows (Flyway's history aside): wherever a
     * change might have written, the secret is not there.
     */
    public static void assertSecretNotStoredAnywhere(Pool pool, String secret) {
        int checked = 0;
        for (Row table : rows(pool,
                "select table_name from information_schema.tables where table_schema = current_schema() "
                        + "and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history' order by table_name")) {
            String name = table.getString(0);
            if (count(pool, "select count(*) from (select 1 from " + name + " limit 1) t") > 0) {
                assertSecretNotStored(pool, name, secret);
                checked++;
            }
        }
        if (checked < 5) {
            throw new AssertionError("only " + checked + " tables hold rows: nothing much was checked");
        }
    }
}
