package dev.flagward.pat;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** Bodies of the PAT endpoints (SPEC §5.4–5.5), with Unleash's field names. */
public final class PatApi {

    private PatApi() {
    }

    public record CreatePatRequest(String description, Instant expiresAt) {
    }

    /** A PAT as listed: never the secret. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PatView(long id, String description, Instant expiresAt, Instant createdAt, Instant seenAt, long userId) {
        static PatView of(Pat pat) {
            return new PatView(pat.id, pat.description, pat.expiresAt, pat.createdAt, pat.seenAt, pat.userId);
        }
    }

    /** The create response: the only time the secret is shown. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CreatedPat(long id, String description, Instant expiresAt, Instant createdAt, Instant seenAt, long userId,
                             String secret) {
        @Override
        public String toString() {
            return "CreatedPat[" + id + "]";
        }
    }

    public record PatList(List<PatView> pats) {
    }
}
