package dev.flagward.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.security.rotation.CredentialLifecycle;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one event writer. Called from inside a service's transaction, so an event exists exactly when its change does.
 * Callers pass views that carry no secret (the types they pass are the same records the API shows in lists).
 */
@Singleton
public class AuditLog {

    @Inject
    EventRepository events;
    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;

    public Uni<Void> record(String type, Actor actor, Object data, Object preData) {
        Event event = new Event();
        event.type = type;
        event.createdAt = clock.instant();
        event.createdBy = actor.name();
        event.createdByUserId = actor.userId();
        event.ip = actor.address();
        event.data = toJson(data);
        event.preData = toJson(preData);
        return events.persist(event).replaceWithVoid();
    }

    /** This actor's events, for a mechanism that writes its events through the caller (CredentialLifecycle). */
    public CredentialLifecycle.Events by(Actor actor) {
        return (type, data, preData) -> record(type, actor, data, preData);
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event data must be serialisable", e);
        }
    }
}
