package dev.flagward.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON body that may be left out entirely (no body, no Content-Type), such as a rotation's optional
 * {@code {"oldExpiresAt"}}. JAX-RS answers 415 for an entity parameter without a Content-Type, so such endpoints
 * take the raw text and read it here; {@link RequestRules} has already required JSON when there is a body.
 */
public final class OptionalBody {

    private OptionalBody() {
    }

    /** The body as {@code type}, or null when there is none; malformed JSON or a wrong field type is 400 BadDataError. */
    public static <T> T read(ObjectMapper mapper, String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw ErrorMapper.fromJson(e); // the same 400 as for any other body
        }
    }
}
