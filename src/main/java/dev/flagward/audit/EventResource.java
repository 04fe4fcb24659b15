package dev.flagward.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.security.access.Access;
import dev.flagward.security.principal.Permission;
import dev.flagward.web.QueryParams;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

@Path("/api/admin/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "The audit trail of every change")
public class EventResource {

    static final int MAX_LIMIT = 1000;
    /** The version Unleash's eventsSchema requires, and the one shape of this list so far. */
    static final int FORMAT_VERSION = 1;

    @Inject
    EventRepository events;
    @Inject
    ObjectMapper json;

    private EventView view(Event e) {
        return new EventView(e.id, e.type, e.createdAt, e.createdBy, e.createdByUserId, e.ip, tree(e.data),
                tree(e.preData));
    }

    private JsonNode tree(String document) {
        try {
            return document == null ? null : json.readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored event data is not JSON", e);
        }
    }

    public record EventView(long id, String type, Instant createdAt, String createdBy, Long createdByUserId, String ip,
            JsonNode data, JsonNode preData) {}

    /** Unleash's eventsSchema: {@code version} is the response format's version, 1 (the only one Unleash defines). */
    public record EventList(@Schema(required = true) int version, @Schema(required = true) List<EventView> events,
            @Schema(required = true) long totalEvents) {}

    @GET
    @Access(Permission.ADMIN)
    @Operation(operationId = "getEvents", summary = "Get events, newest first, optionally of one type")
    public Uni<EventList> list(@QueryParam("type") String type, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        int size = QueryParams.intParam(limit, "limit", 100, 1, MAX_LIMIT);
        int from = QueryParams.intParam(offset, "offset", 0, 0, Integer.MAX_VALUE);
        String kind = type == null || type.isBlank() ? null : type;
        return Panache.withSession(() -> events.page(kind, from, size).flatMap(page -> events.countOf(kind)
                .map(total -> new EventList(FORMAT_VERSION, page.stream().map(this::view).toList(), total))));
    }
}
