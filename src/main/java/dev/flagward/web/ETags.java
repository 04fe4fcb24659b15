package dev.flagward.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Weak ETags on the lists Unleash tags (tokens, PATs, users): the body is serialised once, its SHA-256 is the tag,
 * and a request whose {@code If-None-Match} names it gets 304 without a body. The tag depends only on what the
 * caller would receive, so two replicas with the same data give the same tag.
 */
public final class ETags {

    private ETags() {
    }

    public static Response ok(ObjectMapper mapper, Object entity, String ifNoneMatch) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A list that cannot be written as JSON", e);
        }
        String tag = tagOf(body);
        if (matches(ifNoneMatch, tag)) {
            return Response.notModified().header(HttpHeaders.ETAG, "W/\"" + tag + "\"").build();
        }
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, "W/\"" + tag + "\"").build();
    }

    static String tagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** {@code If-None-Match}: "*", or a list of tags, weak or strong (weak comparison, RFC 9110 §13.1.2). */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.strip();
            if (value.equals("*")) {
                return true;
            }
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("\"" + tag + "\"")) {
                return true;
            }
        }
        return false;
    }

}
