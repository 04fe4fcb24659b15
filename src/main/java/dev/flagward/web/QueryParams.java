package dev.flagward.web;

/** Query parameter parsing with the SPEC §2 error for bad values ({@code path: /query/<name>}). */
public final class QueryParams {

    private QueryParams() {
    }

    public static int intParam(String value, String name, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw ApiException.badData(
                        "The query parameter " + name + " must be between " + min + " and " + max + ".",
                        "/query/" + name);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badData("The query parameter " + name + " must be a whole number.", "/query/" + name);
        }
    }
}
