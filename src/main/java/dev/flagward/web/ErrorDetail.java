package dev.flagward.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One entry of an error body's {@code details}: what is wrong and, where it applies, where (e.g. {@code /body/tokenName}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorDetail(String message, String path) {

    public static ErrorDetail of(String message) {
        return new ErrorDetail(message, null);
    }
}
