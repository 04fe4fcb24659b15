package dev.flagward.web;

import io.vertx.pgclient.PgException;

/** Recognises PostgreSQL outcomes that are answers, not faults (a unique key taken by a concurrent request). */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    public static boolean isUniqueViolation(Throwable failure) {
        return "23505".equals(sqlState(failure));
    }

    /** The SQLSTATE of the first PostgreSQL error in the failure's causes, or null when none came from PostgreSQL. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
        }
        return null;
    }
}
