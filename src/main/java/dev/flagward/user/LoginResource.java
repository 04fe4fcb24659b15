package dev.flagward.user;

import dev.flagward.security.access.Caller;
import dev.flagward.security.access.Public;
import dev.flagward.security.authentication.Authenticator;
import dev.flagward.user.UserApi.LoginRequest;
import dev.flagward.web.Validation;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Password sign-in and sign-out for browsers (SPEC §5.2). */
@Path("/")
@Public
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Auth", description = "Sign in with a password; the session lives in an HttpOnly cookie")
public class LoginResource {

    @Inject
    SessionService sessions;
    @Inject
    UserConfig config;
    @Inject
    Caller caller;

    @POST
    @Path("auth/simple/login")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @Operation(operationId = "login", summary = "Sign in with username (or email) and password")
    @APIResponse(responseCode = "200", description = "Signed in: the user, and the session cookie",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UserApi.UserView.class)))
    @APIResponse(responseCode = "429",
            description = "RateLimitError: too many attempts for this username and address; Retry-After says when to try again")
    @APIResponse(responseCode = "401",
            description = "UnauthorizedError: wrong username or password (the same answer for both)")
    public Uni<Response> login(LoginRequest request) {
        Validation.of(request)
                .requireText(request.username(), "username", 320)
                .check(request.password() != null && !request.password().isEmpty(), "The password is required.",
                        "password")
                .check(request.password() == null || request.password().length() <= 1024, "The password is too long.",
                        "password")
                .orFail();
        return sessions.login(request.username().strip(), request.password(), caller.address())
                .map(signedIn -> Response.ok(signedIn.user())
                        .cookie(cookie(signedIn.sessionSecret(), (int) signedIn.ttl().toSeconds())).build());
    }

    @POST
    @Path("logout")
    @Operation(operationId = "logout", summary = "End the current session")
    @APIResponse(responseCode = "200", description = "Signed out; no body")
    public Uni<Response> logout(@CookieParam(Authenticator.SESSION_COOKIE) String session) {
        return sessions.logout(session).map(x -> Response.ok().cookie(cookie("", 0)).build());
    }

    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(Authenticator.SESSION_COOKIE)
                .value(value)
                .path("/")
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(config.secureCookie())
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }
}
