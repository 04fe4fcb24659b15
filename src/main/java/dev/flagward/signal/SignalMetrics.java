package dev.flagward.signal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inbound signal outcomes at {@code /q/metrics}: {@code flagward_signals_total{result=accepted|rejected|throttled,
 * reason=…}}, and accepted signals per endpoint, {@code flagward_signals_accepted_total{endpoint=<id>}}. Counted from
 * the answer, so refusals by the access filter (no or a wrong token, no license) count too; the reason is the
 * answer's meaning: auth, signature, size, rate, content-type, body, endpoint, license, unavailable.
 */
@Singleton
public class SignalMetrics {

    private static final String INBOUND = "flagward.signal-inbound";

    @Inject
    MeterRegistry registry;
    /** Counters by their tags, so the hot path does not build and look up a meter per call. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Long, Counter> perEndpoint = new ConcurrentHashMap<>();

    void accepted(long endpointId) {
        perEndpoint.computeIfAbsent(endpointId, id -> Counter.builder("flagward.signals.accepted")
                .tag("endpoint", String.valueOf(id)).register(registry)).increment();
    }

    /**
     * Marks inbound calls before the access filter runs: a request it refuses reaches the response filter without
     * its resource, so the mark is what says it was an inbound call.
     */
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 1)
    public void mark(SimpleResourceInfo resource, ContainerRequestContext request) {
        if (resource != null && resource.getResourceClass() == SignalInboundResource.class) {
            request.setProperty(INBOUND, Boolean.TRUE);
        }
    }

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response, Throwable failure) {
        if (request.getProperty(INBOUND) == null) {
            return;
        }
        int status = response.getStatus();
        String result;
        String reason;
        if (status == 202) {
            result = "accepted";
            reason = "none";
        } else if (status == 429) {
            result = "throttled";
            reason = "rate";
        } else {
            result = "rejected";
            reason = switch (status) {
                case 401 -> failure instanceof SignalIngestion.Refused refused ? refused.reason : "auth";
                case 403 -> "license";
                case 404 -> "endpoint";
                case 409 -> "replay";
                case 413 -> "size";
                case 415 -> "content-type";
                case 400 -> "body";
                case 503 -> "unavailable";
                default -> "other";
            };
        }
        counters.computeIfAbsent(result + '/' + reason, key -> Counter.builder("flagward.signals").tag("result", result)
                .tag("reason", reason).register(registry)).increment();
    }
}
