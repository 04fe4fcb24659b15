package dev.flagward.license;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.web.ApiException;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Verifies a license JWT (SPEC §7.1) with SmallRye JWT's parser and a per-call context: the key is chosen by
 * {@code kid} from our own key ring and pins the algorithm; {@code typ} must be {@code license+jwt}; {@code iss} must
 * be the configured issuer; {@code exp} and {@code iat} hold with 60 s of skew. Nothing from the token's header
 * chooses or supplies a key ({@code jku}, {@code x5u}, {@code jwk}, {@code x5c} are ignored). Error messages give
 * the reason, never the token.
 */
@Singleton
public class LicenseVerifier {

    private static final Logger LOG = Logger.getLogger(LicenseVerifier.class);

    static final String TYPE = "license+jwt";
    static final int SKEW_SECONDS = 60;

    /** The verified content of a license: every field comes from verified claims. */
    public record VerifiedLicense(String token, String customer, String type, String plan, String instanceName,
            String instanceId, Integer seats, Integer releaseTemplates, Integer edgeInstances,
            Integer readOnlyUsers,
            Instant issuedAt, Instant expiresAt) {

        @Override
        public String toString() {
            return "VerifiedLicense[" + customer + ", issued " + issuedAt + "]";
        }
    }

    @Inject
    JWTParser parser;
    @Inject
    KeyRing keys;
    @Inject
    LicenseConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;

    private static ApiException invalid(String reason) {
        return ApiException.badData("The license is not valid: " + reason, "/body/token");
    }

    public VerifiedLicense verify(String token) {
        if (token == null || token.isBlank()) {
            throw ApiException.badData("The token property is required: the signed license.", "/body/token");
        }
        String[] parts = token.strip().split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()
                || token.length() > 16_384) {
            throw invalid("it is not a signed JWT (three non-empty parts).");
        }
        JsonNode header = decode(parts[0]);
        String alg = header.path("alg").asText("");
        if (alg.isEmpty() || alg.equalsIgnoreCase("none") || alg.toUpperCase().startsWith("HS")) {
            throw invalid("the algorithm " + (alg.isEmpty() ? "(none)" : alg) + " is never accepted.");
        }
        if (!TYPE.equalsIgnoreCase(header.path("typ").asText(""))) {
            throw invalid("its type (typ) must be " + TYPE + ".");
        }
        if (keys.isEmpty()) {
            throw invalid("no license keys are configured on this instance (FLAGWARD_LICENSE_PUBLIC_KEYS).");
        }
        JsonNode kidNode = header.get("kid");
        KeyRing.Key key = keys.find(kidNode == null || kidNode.isNull() ? null : kidNode.asText());
        if (key == null) {
            throw invalid("it was signed with a key this instance does not know.");
        }
        if (!key.algorithm().getAlgorithm().equals(alg)) {
            throw invalid("the key " + key.kid() + " only verifies " + key.algorithm().getAlgorithm() + ".");
        }

        JWTAuthContextInfo context = new JWTAuthContextInfo(key.publicKey(), config.issuer());
        context.setSignatureAlgorithm(Set.of(key.algorithm()));
        context.setClockSkew(SKEW_SECONDS);
        // A license names a customer, not a login: no sub/upn is required.
        context.setRequireNamedPrincipal(false);
        context.setRequiredClaims(Set.of("iat", "exp", "customer"));
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token.strip(), context);
        } catch (ParseException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.debugf("License verification failed: %s: %s", cause.getClass().getSimpleName(), cause.getMessage());
            throw invalid(explain(parts[1]));
        }
        Instant now = clock.instant();
        Instant issuedAt = Instant.ofEpochSecond(jwt.getIssuedAtTime());
        Instant expiresAt = Instant.ofEpochSecond(jwt.getExpirationTime());
        if (issuedAt.isAfter(now.plusSeconds(SKEW_SECONDS))) {
            throw invalid("it is not valid yet (issued in the future).");
        }
        Object notBefore = jwt.getClaim("nbf");
        if (notBefore instanceof JsonNumber nbf
                && Instant.ofEpochSecond(nbf.longValue()).isAfter(now.plusSeconds(SKEW_SECONDS))) {
            throw invalid("it is not valid yet (nbf).");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw invalid("it expires before it was issued.");
        }
        String instanceId = text(jwt, "instanceId");
        if (config.instanceId().isPresent() && !config.instanceId().get().equals(instanceId)) {
            throw invalid("it was issued for another instance.");
        }
        JsonObject resources = jwt.getClaim("resources") instanceof JsonObject object
                ? object
                : JsonValue.EMPTY_JSON_OBJECT;
        return new VerifiedLicense(token.strip(), required(jwt, "customer"), text(jwt, "type"), text(jwt, "plan"),
                text(jwt, "instanceName"), instanceId, count(resources, "seats"), count(resources, "releaseTemplates"),
                count(resources, "edgeInstances"), count(resources, "readOnlyUsers"), issuedAt, expiresAt);
    }

    /**
     * Words the failure of a signature/issuer/expiry check. Reads the unverified payload only to choose the words;
     * nothing from it is used for anything else.
     */
    private String explain(String payloadPart) {
        try {
            JsonNode claims = decode(payloadPart);
            long exp = claims.path("exp").asLong(0);
            if (exp != 0 && Instant.ofEpochSecond(exp).plusSeconds(SKEW_SECONDS).isBefore(clock.instant())) {
                return "it has expired.";
            }
            if (!config.issuer().equals(claims.path("iss").asText(null))) {
                return "it was not issued by " + config.issuer() + " (iss).";
            }
            if (!claims.has("iat") || !claims.has("exp") || !claims.has("customer")) {
                return "it lacks a required claim (iat, exp, customer).";
            }
        } catch (ApiException unreadable) {
            return "its payload is not JSON.";
        }
        return "its signature does not verify.";
    }

    private JsonNode decode(String part) {
        try {
            JsonNode node = json.readTree(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
                throw invalid("a part of it is not a JSON object.");
            }
            return node;
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("a part of it is not base64url-encoded JSON.");
        }
    }

    private static String text(JsonWebToken jwt, String claim) {
        Object value = jwt.getClaim(claim);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof String s) {
            return s;
        }
        throw invalid("the claim " + claim + " must be a string.");
    }

    private static String required(JsonWebToken jwt, String claim) {
        String value = text(jwt, claim);
        if (value == null || value.isBlank()) {
            throw invalid("the claim " + claim + " is required.");
        }
        return value;
    }

    /** A resource limit: null when the license does not state it (no limit), else a whole number of at least 0. */
    private static Integer count(JsonObject resources, String name) {
        JsonValue value = resources.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < 0
                || number.longValue() > Integer.MAX_VALUE) {
            throw invalid("resources." + name + " must be a whole number of at least 0.");
        }
        return number.intValue();
    }
}
