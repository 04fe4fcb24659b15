package dev.flagward.web;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * PostgreSQL transaction-scoped advisory locks, taken in the current reactive transaction and released at its end.
 * They serialise count-then-insert rules (limits, "create only if missing") across every replica, with no table lock.
 */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /** Waits for the lock with this key (a constant of the caller) until the current transaction ends. */
    public static Uni<Void> hold(long key) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select pg_advisory_xact_lock(:key)")
                        .setParameter("key", key).getSingleResult())
                .replaceWithVoid();
    }

    /** The same, for a lock per name (one per user, say): the key is PostgreSQL's 64-bit hash of the name. */
    public static Uni<Void> hold(String name) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(:name, 0))")
                        .setParameter("name", name).getSingleResult())
                .replaceWithVoid();
    }

    /**
     * For work one replica at a time is enough for (a periodic purge): takes the lock with this key in the
     * connection's current transaction if nobody holds it, and answers whether it did, without waiting.
     */
    public static Uni<Boolean> tryHold(SqlConnection transaction, long key) {
        return transaction.preparedQuery("select pg_try_advisory_xact_lock($1)").execute(Tuple.of(key))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }
}
