package dev.flagward.pat;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Bodies of the PAT endpoints (SPEC §5.4–5.5), with Unleash's field names. */
public final class PatApi {

    private PatApi() {
    }

    public record CreatePatRequest(String description, Instant expiresAt) {}

    /** A PAT as listed: never the secret. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PatView(@Schema(required = true) long id, @Schema(required = true) String description,
            @Schema(required = true) Instant expiresAt, @Schema(required = true) Instant createdAt, Instant seenAt,
            long userId,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replaces,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replacedBy) {

        static PatView of(Pat pat) {
            return new PatView(pat.id, pat.description, pat.expiresAt, pat.createdAt, pat.seenAt, pat.userId, null,
                    null);
        }

        /** With the rotation links as ids, from the user's PATs by selector (a link to a deleted PAT is not shown). */
        static PatView of(Pat pat, Map<String, Long> idsBySelector) {
            return new PatView(pat.id, pat.description, pat.expiresAt, pat.createdAt, pat.seenAt, pat.userId,
                    pat.replaces == null ? null : idsBySelector.get(pat.replaces),
                    pat.replacedBy == null ? null : idsBySelector.get(pat.replacedBy));
        }
    }

    /** The create response: the only time the secret is shown. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CreatedPat(@Schema(required = true) long id, String description, Instant expiresAt, Instant createdAt,
            Instant seenAt, long userId, @Schema(required = true) String secret,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long replaces) {

        @Override
        public String toString() {
            return "CreatedPat[" + id + "]";
        }
    }

    public record PatList(@Schema(required = true) List<PatView> pats) {}
}
