package dev.flagward.user;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of invite links (Unleash's public signup tokens). */
public final class InviteLinkApi {

    private InviteLinkApi() {
    }

    /** Unleash's publicSignupTokenCreateSchema. */
    public record CreateInviteLinkRequest(String name, Instant expiresAt) {}

    /** Unleash's publicSignupTokenUpdateSchema: either or both. */
    public record UpdateInviteLinkRequest(Instant expiresAt, Boolean enabled) {}

    /**
     * Unleash's publicSignupTokenSchema. {@code secret} is the whole secret and {@code url} the link only in the answer
     * that creates it; everywhere else {@code secret} is the link's public identifier (its selector, which names it in
     * {@code /tokens/{token}} but signs nobody up) and {@code url} is null, because Flagward keeps only a hash of the
     * secret. {@code enabled} is false once the link has expired, as in Unleash. {@code users}: who signed up with it.
     */
    public record InviteLinkView(@Schema(required = true) String secret, String url,
            @Schema(required = true) String name,
            @Schema(required = true) boolean enabled, @Schema(required = true) Instant expiresAt,
            @Schema(required = true) Instant createdAt, String createdBy, List<UserApi.UserView> users,
            @Schema(required = true) UserApi.RoleView role) {

        @Override
        public String toString() {
            return "InviteLinkView[" + name + "]";
        }
    }

    /** Unleash's publicSignupTokensSchema. */
    public record InviteLinkList(@Schema(required = true) List<InviteLinkView> tokens) {}
}
