package dev.flagward.user;

import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Public;
import dev.flagward.user.UserApi.TokenUser;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Setting a password with a reset (or welcome) link, and asking for one by email: Unleash's {@code /auth/reset}. Anyone
 * may call these; the link's token is the credential, checked by the service, and each client address gets
 * {@code flagward.users.link-attempts-per-minute} calls that present a token or ask for a mail.
 */
@Path("/auth/reset")
@Public
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Auth", description = "Sign in with a password; the session lives in an HttpOnly cookie")
public class PasswordResetResource {

    @Inject
    PasswordResetService resets;
    @Inject
    PasswordService passwords;
    @Inject
    Caller caller;

    @GET
    @Path("validate")
    @Operation(operationId = "validateToken", summary = "Check a reset link",
            description = "Whose password the link's token sets, while it works (unused, not expired, its user not deleted).")
    @APIResponse(responseCode = "200", description = "The user the link is for",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TokenUser.class)))
    @APIResponse(responseCode = "401",
            description = "UnauthorizedError: the link is unknown, expired or used (one answer for all)")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many calls from this address; Retry-After says when to try again")
    public Uni<TokenUser> validate(@QueryParam("token") String token) {
        return resets.validate(token, caller.address());
    }

    @POST
    @Path("password")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "changePassword", summary = "Set a password with a reset link",
            description = "{token, password}: the password must pass validate-password's rules; the link works once, and "
                    + "every session of the user ends, on every replica.")
    @APIResponse(responseCode = "200", description = "The password is set; no body")
    @APIResponse(responseCode = "401",
            description = "UnauthorizedError: the link is unknown, expired or used (one answer for all)")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many calls from this address; Retry-After says when to try again")
    public Uni<Response> reset(UserApi.ResetWithTokenRequest request) {
        if (request == null) {
            throw ApiException.badData("A body {token, password} is required.", "/body");
        }
        return resets.reset(request.token(), request.password(), caller.address()).map(x -> Response.ok().build());
    }

    @POST
    @Path("validate-password")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "validatePassword", summary = "Check a password against the rules",
            description = "200 when the password is strong enough: at least 10 characters, an uppercase and a lowercase "
                    + "letter, a number and a special character; otherwise 400 with one detail per broken rule. Reads "
                    + "nothing stored, so it is not rate-limited.")
    @APIResponse(responseCode = "200", description = "Strong enough; no body")
    public Response validatePassword(UserApi.PasswordRequest request) {
        passwords.validate(request == null ? null : request.password());
        return Response.ok().build();
    }

    @POST
    @Path("password-email")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "sendResetPasswordEmail", summary = "Ask for a reset link by email",
            description = "{email}: the same answer, as soon, whether a user has the address or not. When one has and mail "
                    + "is on (and flagward.users.public-url is set), a reset link is mailed to it, at most once a minute.")
    @APIResponse(responseCode = "200", description = "Taken; no body")
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many calls from this address; Retry-After says when to try again")
    public Response sendResetMail(UserApi.EmailRequest request) {
        if (request == null) {
            throw ApiException.badData("A body {email} is required.", "/body");
        }
        resets.resetByEmail(request.email(), caller.address());
        return Response.ok().build();
    }
}
