package dev.flagward.instance;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Enterprise;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.QueryParams;
import dev.flagward.web.Timestamps;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

@Path("/api/admin/logins")
@Enterprise
@Tag(name = "Instance Admin", description = "Login history, statistics and license")
public class LoginHistoryResource {

    static final String CSV = "text/csv";

    @Inject
    LoginHistory history;

    public record LoginEventView(long id, String username, @JsonProperty("auth_type") String authType,
            @JsonProperty("created_at") Instant createdAt, boolean successful, String ip,
            @JsonProperty("failure_reason") String failureReason) {

        static LoginEventView of(LoginEvent e) {
            return new LoginEventView(e.id, e.username, e.authType, e.createdAt, e.successful, e.ip, e.failureReason);
        }
    }

    public record LoginEventList(List<LoginEventView> events) {}

    /** JSON unless the client asks for CSV ({@code Accept: text/csv}); a wildcard gets JSON. */
    @GET
    @Produces({MediaType.APPLICATION_JSON, CSV})
    @Access(Permission.ADMIN)
    @Operation(operationId = "getLoginHistory",
            summary = "Get login history, newest first (JSON, or CSV with Accept: text/csv)")
    @APIResponse(responseCode = "200", description = "The login history, newest first",
            content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = LoginEventList.class)),
                    @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING))})
    public Uni<Response> list(@HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        boolean csv = accept != null && accept.toLowerCase(Locale.ROOT).contains(CSV)
                && !accept.toLowerCase(Locale.ROOT).contains(MediaType.APPLICATION_JSON);
        int from = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        int size = csv
                ? QueryParams.intParam(limit, "limit", 10_000, 1, 100_000)
                : QueryParams.intParam(limit, "limit", 100, 1, 1000);
        return history.page(from, size).map(events -> csv
                ? Response.ok(toCsv(events), CSV + "; charset=utf-8").build()
                : Response.ok(new LoginEventList(events.stream().map(LoginEventView::of).toList()),
                        MediaType.APPLICATION_JSON).build());
    }

    /**
     * Usernames of failed attempts are whatever a stranger typed: a leading = + - @ would run as a formula when an
     * operator opens the file in a spreadsheet, so such values get a leading apostrophe (OWASP CSV injection).
     */
    static String inert(String value) {
        if (value != null && !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0) {
            return "'" + value;
        }
        return value;
    }

    static String toCsv(List<LoginEvent> events) {
        StringWriter out = new StringWriter();
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader("id", "username", "auth_type", "created_at", "successful", "ip", "failure_reason").get();
        try (CSVPrinter printer = new CSVPrinter(out, format)) {
            for (LoginEvent e : events) {
                printer.printRecord(e.id, inert(e.username), e.authType, Timestamps.format(e.createdAt), e.successful,
                        e.ip, inert(e.failureReason));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
