package dev.flagward.signal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Inbound signal outcomes at {@code /q/metrics}: {@code flagward_signals_total{result=accepted|rejected|throttled,
 * reason=…}}, and accepted signals per endpoint, {@code flagward_signals_accepted_total{endpoint=<id>}}. Counted from the answer, so refusals by the access filter (no or a wrong token, no
 * license) count too; the reason is the answer's meaning: auth, signature, size, rate, content-type, body, endpoint,
 * license, unavailable.
 */
@Singleton
public class SignalMetrics {

    private final MeterRegistry registry;
    private final Outcome outcome;

    public SignalMetrics(MeterRegistry registry, Outcome outcome) {
        this.registry = registry;
        this.outcome = outcome;
    }

    /** What the ingestion said of a refusal it made, for the one the status alone cannot tell (signature). */
    @RequestScoped
    public static class Outcome {
        String reason;
    }

    void accepted(long endpointId) {
        Counter.builder("flagward.signals.accepted").tag("endpoint", String.valueOf(endpointId)).register(registry).increment();
    }

    void refusedBecause(String reason) {
        outcome.reason = reason;
    }

    @ServerResponseFilter
    public void count(SimpleResourceInfo resource, ContainerResponseContext response) {
        if (resource == null || resource.getResourceClass() != SignalInboundResource.class) {
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
                case 401 -> "signature".equals(outcome.reason) ? "signature" : "auth";
                case 403 -> "license";
                case 404 -> "endpoint";
                case 413 -> "size";
                case 415 -> "content-type";
                case 400 -> "body";
                case 503 -> "unavailable";
                default -> "other";
            };
        }
        Counter.builder("flagward.signals").tag("result", result).tag("reason", reason)
                .register(registry).increment();
    }
}
