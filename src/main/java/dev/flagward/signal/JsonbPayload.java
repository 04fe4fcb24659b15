package dev.flagward.signal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.web.ApiException;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * An inbound body is stored as it came, as {@code jsonb}: one JSON object that PostgreSQL will take. Some JSON that
 * Jackson (and RFC 8259) accepts, PostgreSQL refuses: the escape of U+0000 in a string or a name, the escape of an
 * unpaired surrogate (a high one such as D800 without its low pair, or a low one alone), and a number its
 * {@code numeric} cannot hold (more than 131,072 digits before the decimal point or 16,383 after it, as in
 * {@code 1e1000000} or {@code 1e-1000000}). Those are refused here, with the path of the value, instead of failing
 * the statement that would have stored them with other callers' signals. One pass over the tokens, no tree.
 */
final class JsonbPayload {

    /** PostgreSQL's numeric: a weight of at most 32,767 base-10000 digits, a display scale of at most 16,383. */
    static final int MAX_DIGITS_BEFORE_POINT = 131_072;
    static final int MAX_DIGITS_AFTER_POINT = 16_383;

    private JsonbPayload() {
    }

    /** Refuses (400) a body that is not one JSON object, or that PostgreSQL's jsonb would not store. */
    static void check(ObjectMapper json, byte[] body) {
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badData("The body must be a JSON object (or empty).", "/body");
            }
            for (int depth = 1; depth > 0;) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw ApiException.badData("The body is not valid JSON.", "/body");
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    // Its own path would show the name being refused; the object's path does not.
                    case FIELD_NAME ->
                        checkText(parser, "A property name in", path(parser.getParsingContext().getParent()));
                    case VALUE_STRING -> checkText(parser, "The string at", path(parser.getParsingContext()));
                    case VALUE_NUMBER_FLOAT -> checkNumber(parser, path(parser.getParsingContext()));
                    default -> {
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw ApiException.badData("The body is not valid JSON: something follows the object.", "/body");
            }
        } catch (IOException e) {
            throw ApiException.badData("The body is not valid JSON.", "/body");
        }
    }

    private static void checkText(JsonParser parser, String what, String path) throws IOException {
        char[] chars = parser.getTextCharacters();
        int end = parser.getTextOffset() + parser.getTextLength();
        for (int i = parser.getTextOffset(); i < end; i++) {
            char c = chars[i];
            if (c == '\u0000') {
                throw ApiException.badData(what + " " + path + " contains \\u0000, which cannot be stored.", path);
            }
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badData(what + " " + path + " contains an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + "), which is not a Unicode character.", path);
            }
        }
    }

    private static void checkNumber(JsonParser parser, String path) throws IOException {
        BigDecimal number;
        try {
            number = new BigDecimal(parser.getText());
        } catch (NumberFormatException | ArithmeticException e) {
            number = null; // an exponent beyond an int: out of any range
        }
        // Counted as written: PostgreSQL keeps every digit after the point that the text has (1.50e-3 has 5).
        if (number == null || (long) number.precision() - number.scale() > MAX_DIGITS_BEFORE_POINT
                || number.scale() > MAX_DIGITS_AFTER_POINT) {
            throw ApiException.badData("The number at " + path + " is out of range: at most " + MAX_DIGITS_BEFORE_POINT
                    + " digits before the decimal point and " + MAX_DIGITS_AFTER_POINT + " after it can be stored.",
                    path);
        }
    }

    /** The path of a value as a JSON pointer under /body; the names in it were checked before it. */
    private static String path(JsonStreamContext context) {
        return "/body" + context.pathAsPointer();
    }
}
