package dev.flagward.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
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
}
