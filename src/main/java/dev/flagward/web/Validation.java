package dev.flagward.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects what is wrong with a request body, then fails once with every detail (BadDataError). */
public final class Validation {

    private final List<ErrorDetail> problems = new ArrayList<>();

    public static Validation of(Object body) {
        if (body == null) {
            throw ApiException.badData("The request body must be a JSON object.", "/body");
        }
        return new Validation();
    }

    public Validation requireText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            problems.add(
                    new ErrorDetail("The " + field + " property is required and may not be empty.", "/body/" + field));
        } else {
            maxLength(value, field, maxLength);
        }
        return this;
    }

    public Validation maxLength(String value, String field, int maxLength) {
        if (value != null && value.length() > maxLength) {
            problems.add(new ErrorDetail("The " + field + " property may be at most " + maxLength + " characters.",
                    "/body/" + field));
        }
        return this;
    }

    public Validation matches(String value, Pattern pattern, String field, String rule) {
        if (value != null && !pattern.matcher(value).matches()) {
            problems.add(new ErrorDetail("The " + field + " property " + rule + ".", "/body/" + field));
        }
        return this;
    }

    public Validation check(boolean ok, String message, String field) {
        if (!ok) {
            problems.add(new ErrorDetail(message, "/body/" + field));
        }
        return this;
    }

    public void orFail() {
        if (!problems.isEmpty()) {
            throw ApiException.badData(problems);
        }
    }
}
