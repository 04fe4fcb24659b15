package dev.flagward.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Bodies of the signal endpoints (SPEC §6.2, seed 003), with Unleash's field names. */
public final class SignalApi {

    private SignalApi() {
    }

    public record SignalEndpointRequest(String name, String description, Boolean enabled) {}

    public record SignalEndpointTokenRequest(String name) {}

    /** A token as listed and updated: never the secret. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SignalEndpointTokenView(long id, String name, long signalEndpointId, Instant createdAt,
            Long createdByUserId,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replaces,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replacedBy) {

        static SignalEndpointTokenView of(SignalEndpointToken token) {
            return new SignalEndpointTokenView(token.id, token.name, token.signalEndpointId, token.createdAt,
                    token.createdByUserId, token.expiresAt, null, null);
        }

        /** With the rotation links as ids, from the endpoint's tokens by selector. */
        static SignalEndpointTokenView of(SignalEndpointToken token, Map<String, Long> idsBySelector) {
            return new SignalEndpointTokenView(token.id, token.name, token.signalEndpointId, token.createdAt,
                    token.createdByUserId, token.expiresAt,
                    token.replaces == null ? null : idsBySelector.get(token.replaces),
                    token.replacedBy == null ? null : idsBySelector.get(token.replacedBy));
        }
    }

    /** The create response: the only time the token's secret is shown. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CreatedSignalEndpointToken(long id, String name, long signalEndpointId, Instant createdAt,
            Long createdByUserId, String token,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replaces) {

        @Override
        public String toString() {
            return "CreatedSignalEndpointToken[" + id + "]";
        }
    }

    /** An endpoint; {@code url} (where to send signals) on create and update only. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SignalEndpointView(long id, String name, String description, boolean enabled, Instant createdAt,
            Long createdByUserId, List<SignalEndpointTokenView> tokens,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url) {

        static SignalEndpointView of(SignalEndpoint endpoint, List<SignalEndpointTokenView> tokens) {
            return new SignalEndpointView(endpoint.id, endpoint.name, endpoint.description, endpoint.enabled,
                    endpoint.createdAt, endpoint.createdByUserId, tokens, null);
        }

        SignalEndpointView at(String callUrl) {
            return new SignalEndpointView(id, name, description, enabled, createdAt, createdByUserId, tokens, callUrl);
        }
    }

    public record SignalEndpointList(List<SignalEndpointView> signalEndpoints) {}

    public record SignalEndpointTokenList(List<SignalEndpointTokenView> signalEndpointTokens) {}

    /** A signal as an endpoint's history shows it. {@code payload} is the stored JSON document. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record EndpointSignal(long id,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, required = true) String payload, Instant createdAt,
            String source, long sourceId,
            String tokenName) {}

    public record EndpointSignalList(List<EndpointSignal> signalEndpointSignals) {}

    /** A signal as the query across endpoints, and the live stream, show it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SignalView(long id, String source, long sourceId, String sourceName, String sourceDescription,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, required = true) String payload,
            Instant createdAt, Long createdBySourceTokenId,
            String tokenName) {}

    public record SignalList(List<SignalView> signals, long total) {}

    /** The signing secret, shown once. */
    public record SigningSecret(String secret) {

        @Override
        public String toString() {
            return "SigningSecret[…]";
        }
    }

    /** What an inbound call gets once its signal is committed. */
    public record Accepted(long id) {}
}
