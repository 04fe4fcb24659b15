package dev.flagward.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Instant;

/**
 * Strict JSON in, Unleash-shaped JSON out: unknown properties are ignored (SPEC §2), but a number where a string
 * belongs, a string where a number or boolean belongs, or trailing garbage is a 400, not a silent coercion.
 */
@Singleton
public class JsonSettings implements ObjectMapperCustomizer {

    /** Applied after Quarkus's own customizer, whose JavaTimeModule would otherwise override the Instant format. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule time = new SimpleModule("flagward-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {

            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(Timestamps.format(value));
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {

            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
                }
                String text = p.getText();
                try {
                    return Timestamps.parse(text);
                } catch (IllegalArgumentException e) {
                    throw ctxt.weirdStringException(text, Instant.class, e.getMessage());
                }
            }
        });
        // PostgreSQL cannot store NUL in text: refuse it here, with the field's path, instead of failing at the database.
        time.addDeserializer(String.class, new JsonDeserializer<>() {

            private final StringDeserializer strings = StringDeserializer.instance;

            @Override
            public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String value = strings.deserialize(p, ctxt);
                if (value != null && value.indexOf('\u0000') >= 0) {
                    throw ctxt.weirdStringException(value, String.class, "a NUL character is not allowed");
                }
                return value;
            }
        });
        mapper.registerModule(time);
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        mapper.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        mapper.configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType numeric : new LogicalType[]{LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(numeric)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }
}
