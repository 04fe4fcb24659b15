package dev.flagward.user;

import dev.flagward.audit.Actor;
import dev.flagward.user.UserApi.InactiveUser;
import dev.flagward.user.UserApi.InactiveUsers;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Users who no longer use their seat: no sign-in and no PAT use for {@code flagward.users.inactive-after} (never seen:
 * since created), for an Admin to find and delete (Unleash's seat management).
 */
@ApplicationScoped
public class InactiveUserService {

    private static final String INACTIVE = """
            select u.id, u.name, u.email, u.username, u.seen_at, u.created_at, a.pat_seen_at
              from users u join user_activity a on a.user_id = u.id
             where coalesce(a.last_seen, u.created_at) < $1
             order by u.id
            """;

    @Inject
    Pool pool;
    @Inject
    UserService users;
    @Inject
    UserConfig config;
    @Inject
    Clock clock;

    public Uni<InactiveUsers> list() {
        OffsetDateTime before = clock.instant().minus(config.inactiveAfter()).atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(INACTIVE).execute(Tuple.of(before)).map(rows -> {
            List<InactiveUser> out = new ArrayList<>();
            rows.forEach(
                    row -> out.add(new InactiveUser(row.getLong("id"), row.getString("name"), row.getString("email"),
                            row.getString("username"), instant(row, "seen_at"), instant(row, "created_at"),
                            instant(row, "pat_seen_at"))));
            return new InactiveUsers(1, out);
        });
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** Deletes those of the given users that are inactive now (others are left alone), each as a user deletion. */
    public Uni<Integer> delete(List<Long> ids, Actor actor) {
        if (ids == null) {
            throw ApiException.badData("ids is required: the ids of inactive users to delete.", "/body/ids");
        }
        if (ids.size() > 1000 || ids.stream().anyMatch(id -> id == null || id <= 0)) {
            throw ApiException.badData("ids must be at most 1000 positive user ids.", "/body/ids");
        }
        Set<Long> wanted = new HashSet<>(ids);
        return list().chain(found -> {
            List<Long> deletable = found.inactiveUsers().stream().map(InactiveUser::id).filter(wanted::contains)
                    .toList();
            Uni<Void> deleted = Uni.createFrom().voidItem();
            for (Long id : deletable) {
                deleted = deleted.call(() -> users.delete(id, actor));
            }
            return deleted.replaceWith(deletable.size());
        });
    }
}
