package dev.flagward.web;

/** Path parameter parsing with the SPEC §2 error for bad values ({@code path: /params/<name>}). */
public final class PathParams {

    private PathParams() {
    }

    /** A database id: a positive whole number, or 400 BadDataError naming what it should have been. */
    public static long positiveId(String value, String what) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badData("The " + what + " id must be a positive whole number.", "/params/id");
    }
}
