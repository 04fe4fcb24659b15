package dev.flagward.signal;

import dev.flagward.security.access.Access;
import dev.flagward.security.access.Enterprise;
import dev.flagward.security.access.LiveAccess;
import dev.flagward.security.principal.Permission;
import dev.flagward.signal.SignalApi.SignalList;
import dev.flagward.web.ApiException;
import dev.flagward.web.QueryParams;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

import java.time.Duration;

/** Signals across endpoints (SPEC §6.2): Admin only, enterprise. */
@Path("/api/admin/signals")
@Produces(MediaType.APPLICATION_JSON)
@Access(Permission.ADMIN)
@Enterprise
@Tag(name = "Signals", description = "Signal endpoints, their tokens, and the signals they receive")
public class SignalResource {

    /** What a client waits before reconnecting after the stream ends. */
    static final Duration RETRY = Duration.ofSeconds(2);

    @Inject
    SignalQueries queries;
    @Inject
    SignalStream stream;
    @Inject
    LiveAccess access;

    @GET
    @Operation(operationId = "getSignalsByQuery",
            summary = "Get signals created between two days (from=IS:yyyy-MM-dd, to=IS:yyyy-MM-dd), newest first")
    public Uni<SignalList> query(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int size = QueryParams.intParam(limit, "limit", 50, 1, SignalQueries.MAX_LIMIT);
        int skip = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        return Uni.createFrom().deferred(() -> queries.between(from, to, size, skip));
    }

    /**
     * Server-Sent Events of every new signal from any replica (beyond Unleash), in commit order: each event's {@code id}
     * is the signal id, its {@code data} the signal as the query shows it. The first frame carries only an {@code id}
     * (where a client reconnecting at once resumes) and {@code retry}; a comment follows every 15 s of quiet.
     * Reconnecting with {@code Last-Event-ID} first replays every retained signal after that one. The stream ends
     * when the credential that opened it stops being valid or allowed, and when the consumer falls
     * {@code flagward.signals.stream-buffer} events behind; it resumes by id.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @ResponseHeader(name = HttpHeaders.CACHE_CONTROL, value = "no-cache")
    @Operation(operationId = "streamSignals",
            summary = "Stream new signals as Server-Sent Events; resumable with Last-Event-ID")
    @APIResponse(responseCode = "200",
            description = "Server-Sent Events: event signal, id the signal id, data the signal as "
                    + "getSignalsByQuery shows it; a first frame with only id and retry; comments as heartbeats and at the end",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    public Multi<OutboundSseEvent> stream(@HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badData("Last-Event-ID must be the id of a signal.", "/headers/last-event-id");
            }
            if (after < 0) {
                throw ApiException.badData("Last-Event-ID must be the id of a signal.", "/headers/last-event-id");
            }
        }
        return access.whileAllowed(stream.from(after).map(delivery -> frame(sse, delivery)),
                reason -> sse.newEventBuilder().comment("ended: " + reason).build());
    }

    /** Only the standard fields: id, event, data, retry and comments. */
    private static OutboundSseEvent frame(Sse sse, SignalStream.Delivery delivery) {
        if (delivery instanceof SignalStream.Delivery.Signal signal) {
            return sse.newEventBuilder().id(String.valueOf(signal.id())).name("signal").data(signal.json()).build();
        }
        if (delivery instanceof SignalStream.Delivery.Opening opening) {
            return sse.newEventBuilder().id(String.valueOf(opening.lastId())).reconnectDelay(RETRY.toMillis())
                    .comment("signals after this id").build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }
}
