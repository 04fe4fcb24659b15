package dev.flagward.signal;

import dev.flagward.security.Access;
import dev.flagward.security.Enterprise;
import dev.flagward.security.Permission;
import dev.flagward.signal.SignalApi.SignalList;
import dev.flagward.web.QueryParams;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Signals across endpoints (SPEC §6.2): Admin only, enterprise. */
@Path("/api/admin/signals")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Enterprise
@Tag(name = "Signals", description = "Signal endpoints, their tokens, and the signals they receive")
public class SignalResource {

    private final SignalQueries queries;
    private final SignalStream stream;

    public SignalResource(SignalQueries queries, SignalStream stream) {
        this.queries = queries;
        this.stream = stream;
    }

    @GET
    @Operation(operationId = "getSignalsByQuery", summary = "Get signals created between two days (from=IS:yyyy-MM-dd, to=IS:yyyy-MM-dd), newest first")
    public Uni<SignalList> query(@QueryParam("from") String from, @QueryParam("to") String to,
                                 @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int size = QueryParams.intParam(limit, "limit", 50, 1, SignalQueries.MAX_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        return Uni.createFrom().deferred(() -> queries.between(from, to, size, skip));
    }

    /**
     * Server-Sent Events of every new signal from any replica (beyond Unleash): each event's {@code id} is the signal
     * id, its {@code data} the signal as the query shows it. Reconnecting with {@code Last-Event-ID} first replays
     * every retained signal after that id.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(operationId = "streamSignals", summary = "Stream new signals as Server-Sent Events; resumable with Last-Event-ID")
    public Multi<OutboundSseEvent> stream(@HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badData("Last-Event-ID must be the id of a signal.", "/headers/last-event-id");
            }
        }
        return stream.from(after).map(signal -> sse.newEventBuilder().id(String.valueOf(signal.id())).name("signal")
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(signal).build());
    }
}
