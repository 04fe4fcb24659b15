package dev.flagward.apitoken;

import dev.flagward.apitoken.ApiTokenApi.ApiTokenView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The read model of token listings: one SQL statement straight into the views, no entities. Listings are the
 * admin API's hot reads (SPEC §10), where a Hibernate session and a collection fetch cost more than the query.
 */
@Singleton
public class ApiTokenQueries {

    private static final String SELECT = """
            select t.selector, t.token_name, t.type, t.environment, t.all_projects, t.expires_at, t.created_at, t.seen_at,
                   case when t.all_projects then '{}'::text[]
                        else array(select p.project_id from api_token_projects p where p.token_id = t.id order by p.project_id)
                   end as projects
              from api_tokens t
            """;
    private static final String NEWEST_FIRST = " order by t.created_at desc, t.id desc";
    private static final List<String> ALL = List.of("*");

    private final Pool pool;

    public ApiTokenQueries(Pool pool) {
        this.pool = pool;
    }

    /** Every token, newest first; admin tokens only when asked for. */
    public Uni<List<ApiTokenView>> all(boolean includeAdmin) {
        String where = includeAdmin ? "" : " where t.type <> 'admin'";
        return pool.query(SELECT + where + NEWEST_FIRST).execute().map(ApiTokenQueries::views);
    }

    public Uni<List<ApiTokenView>> byName(String tokenName, boolean includeAdmin) {
        String where = " where t.token_name = $1" + (includeAdmin ? "" : " and t.type <> 'admin'");
        return pool.preparedQuery(SELECT + where + NEWEST_FIRST).execute(Tuple.of(tokenName)).map(ApiTokenQueries::views);
    }

    private static List<ApiTokenView> views(RowSet<Row> rows) {
        List<ApiTokenView> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            List<String> projects = row.getBoolean("all_projects") ? ALL : List.of(row.getArrayOfStrings("projects"));
            String environment = row.getString("environment");
            out.add(new ApiTokenView(row.getString("selector"), row.getString("token_name"), row.getString("type"),
                    environment == null ? "*" : environment, String.join(",", projects), projects,
                    instant(row, "expires_at"), instant(row, "created_at"), instant(row, "seen_at"), null, true));
        }
        return out;
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
