package dev.flagward.signal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** SPEC §6.6; each setting also as FLAGWARD_SIGNALS_… (MAX_ENDPOINTS, RATE_PER_SECOND, …). */
@ConfigMapping(prefix = "flagward.signals")
public interface SignalConfig {

    /** Most signal endpoints in the instance; one more is 400 ExceedsLimitError. */
    @WithDefault("5")
    int maxEndpoints();

    /** Most tokens per endpoint; one more is 400 ExceedsLimitError. */
    @WithDefault("5")
    int maxTokensPerEndpoint();

    /** Inbound signals per second per endpoint, per replica (token bucket refill). */
    @WithDefault("10")
    int ratePerSecond();

    /** Inbound signals an endpoint may send at once (token bucket capacity). */
    @WithDefault("20")
    int burst();

    /** Newest signals kept per endpoint. */
    @WithDefault("1000")
    int retentionCount();

    /** How long signals are kept. */
    @WithDefault("P30D")
    Duration retentionAge();

    /** How often a quiet live stream sends a comment, so proxies that cut idle connections keep it (SPEC: at most 30 s). */
    @WithDefault("15s")
    Duration streamHeartbeat();

    /**
     * Events a live stream's consumer may fall behind (written to it more slowly than they come) before its stream is
     * ended; it resumes by id. Bounds the memory a stalled consumer holds.
     */
    @WithDefault("1024")
    int streamBuffer();

    /**
     * How long the live stream waits for a running transaction before it hands out what committed after it. Flagward's
     * own signal writers are single statements; a transaction open longer is something else (an operator's session, a
     * batch job), and must not hold the stream up. Signals written by a transaction open longer than this are stored
     * but may miss the stream.
     */
    @WithDefault("PT5S")
    Duration streamSettle();

    /** How long the stream place of a purged signal is kept, so a consumer resuming after it resumes exactly. */
    @WithDefault("PT10M")
    Duration resumeWindow();

    /**
     * How long a signed call's webhook-id is remembered, so that a copy of the call is answered with the first
     * signal's id (same body) or 409 (another body) instead of being stored again. Independent of retention. A copy
     * passes the 5-minute timestamp check for at most 10 minutes after the first was accepted; values below
     * {@link SignalRetention#MIN_WEBHOOK_ID_MEMORY} are raised to it. Raise it to cover a sender's retry schedule.
     */
    @WithDefault("PT1H")
    Duration webhookIdMemory();

    /**
     * Unsigned signals waiting on this replica for a database write; one more is answered 503 with Retry-After (so
     * is one that would take the waiting payloads past {@link SignalWriter#MAX_QUEUED_CHARS} characters).
     */
    @WithDefault("2000")
    int maxQueued();
}
