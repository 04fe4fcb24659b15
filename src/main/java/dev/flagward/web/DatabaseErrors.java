package dev.flagward.web;

import io.vertx.pgclient.PgException;

/** Recognises PostgreSQL outcomes that are answers, not faults (a unique key taken by a concurrent request). */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return hasSqlState(failure, "23505");
    }

    public static boolean isForeignKeyViolation(Throwable failure) {
        return hasSqlState(failure, "23503");
    }

    private static boolean hasSqlState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && state.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
