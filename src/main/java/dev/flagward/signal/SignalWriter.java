package dev.flagward.signal;

import dev.flagward.web.ApiException;
import dev.flagward.web.DatabaseErrors;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes unsigned inbound signals with group commit: a call that finds fewer than {@link #IN_FLIGHT} writes running is
 * written at once, alone; calls that arrive while {@link #IN_FLIGHT} writes are running wait and go together in the
 * next one, one statement and one commit for all of them. Under load the statements grow and their number does not, which is how ingestion
 * can outpace single-row inserts; with no load nothing waits. What waits is bounded ({@code flagward.signals.max-queued}
 * signals, {@link #MAX_QUEUED_CHARS} characters of payload): beyond it a call is answered 503 with Retry-After at once,
 * instead of holding memory and a connection for a database that is not keeping up.
 * <p>
 * The statement checks each signal's endpoint as the single insert did (the token's endpoint, named as in the URL,
 * enabled, unsigned) and inserts only those that pass; each caller learns its own id, or null when its endpoint did
 * not pass (the caller then finds out why). Every answer comes after the commit. A statement that fails because of
 * its input (one payload PostgreSQL refuses) is split in halves, retried before anything new and within the same
 * {@link #IN_FLIGHT} writes, until the bad signal fails alone (400) and the others are stored.
 */
@Singleton
public class SignalWriter {

    /**
     * Writes running at once. Two measured best on two cores (6k signals/s; 4: 4.7k, 12: 2.1k): one statement is in its
     * commit while the next collects, and fewer, larger statements cost less CPU on both sides than many small ones.
     */
    static final int IN_FLIGHT = 2;
    static final int MAX_BATCH = 500;
    /**
     * Payload characters waiting at most: bodies may be 100 kB each, and 2,000 of them would not fit the heap that the
     * deployment gives the whole service. A call that finds nothing waiting is always taken.
     */
    static final long MAX_QUEUED_CHARS = 16L * 1024 * 1024;
    private static final String INSERT = """
            with input as (
                select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[])
                       with ordinality as t(endpoint, name, payload, token_id, token_name, ord)),
            accepted as (
                select i.*, nextval('signals_id_seq') as id
                  from input i join signal_endpoints e
                    on e.id = i.endpoint and e.name = i.name and e.enabled and e.signing_secret is null),
            stored as (
                insert into signals (id, source_id, payload, created_at, created_by_source_token_id, token_name)
                overriding system value
                select id, endpoint, payload::jsonb, $6, token_id, token_name from accepted)
            select ord, id from accepted
            """;

    /** One signal waiting to be written. */
    private record Pending(long endpointId, String name, String payload, long tokenId, String tokenName,
            UniEmitter<? super Long> answer) {}

    private final Pool pool;
    private final SignalChannel channel;
    private final Clock clock;
    private final int maxQueued;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Halves of batches that failed because of a signal in them: written before anything new. */
    private final ArrayDeque<List<Pending>> halves = new ArrayDeque<>();
    private long waitingChars;
    private int running;

    public SignalWriter(Pool pool, SignalChannel channel, SignalConfig config, Clock clock) {
        this.pool = pool;
        this.channel = channel;
        this.clock = clock;
        this.maxQueued = config.maxQueued();
    }

    /**
     * The new signal's id once committed, or null when the endpoint is not this enabled, unsigned one. Fails with 503
     * when too much is waiting, and with 400 when PostgreSQL refuses this payload.
     */
    public Uni<Long> write(long endpointId, String name, String payload, long tokenId, String tokenName) {
        return Uni.createFrom().emitter(answer -> {
            boolean taken;
            synchronized (this) {
                taken = waiting.isEmpty()
                        || waiting.size() < maxQueued && waitingChars + payload.length() <= MAX_QUEUED_CHARS;
                if (taken) {
                    waiting.add(new Pending(endpointId, name, payload, tokenId, tokenName, answer));
                    waitingChars += payload.length();
                }
            }
            if (!taken) {
                answer.fail(ApiException.serviceUnavailable(
                        "Too many signals are waiting to be written. Try again shortly."));
                return;
            }
            drain();
        });
    }

    /** Starts writes while fewer than {@link #IN_FLIGHT} run and something waits. */
    private void drain() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                if (running >= IN_FLIGHT || halves.isEmpty() && waiting.isEmpty()) {
                    return;
                }
                running++;
                batch = halves.poll();
                if (batch == null) {
                    batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
                    while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                        Pending next = waiting.poll();
                        waitingChars -= next.payload().length();
                        batch.add(next);
                    }
                }
            }
            execute(batch);
        }
    }

    private void execute(List<Pending> batch) {
        int n = batch.size();
        Long[] endpoints = new Long[n];
        String[] names = new String[n];
        String[] payloads = new String[n];
        Long[] tokens = new Long[n];
        String[] tokenNames = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = batch.get(i);
            endpoints[i] = p.endpointId();
            names[i] = p.name();
            payloads[i] = p.payload();
            tokens[i] = p.tokenId();
            tokenNames[i] = p.tokenName();
        }
        pool.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[]{endpoints, names, payloads, tokens, tokenNames,
                        clock.instant().atOffset(ZoneOffset.UTC)}))
                .subscribe().with(rows -> {
                    Map<Long, Long> ids = new HashMap<>();
                    for (Row row : rows) {
                        ids.put(row.getLong("ord"), row.getLong("id"));
                    }
                    finished(null);
                    for (int i = 0; i < n; i++) {
                        batch.get(i).answer().complete(ids.get((long) i + 1));
                    }
                    channel.announce(new ArrayList<>(ids.values()));
                }, failure -> {
                    // Classes 22 (data: a payload jsonb refuses), 23 (integrity: an endpoint deleted meanwhile) and 54 (program
                    // limits) come from a row of the statement; anything else (a connection lost, a server shutting
                    // down) fails the whole batch at once: retrying it row by row would only multiply the load on a
                    // database in trouble.
                    String state = DatabaseErrors.sqlState(failure);
                    boolean causedByARow = state != null
                            && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
                    if (n > 1 && causedByARow) {
                        // One bad signal must not fail the others: halve until it is alone, within the same budget.
                        finished(List.of(batch.subList(0, n / 2), batch.subList(n / 2, n)));
                        return;
                    }
                    finished(null);
                    if (n == 1 && "23503".equals(state)) {
                        batch.get(0).answer().complete(null); // its endpoint was deleted meanwhile: the caller says so
                    } else if (n == 1 && causedByARow) {
                        batch.get(0).answer()
                                .fail(ApiException.badData("The database cannot store this body as JSON.", "/body"));
                    } else {
                        batch.forEach(p -> p.answer().fail(failure));
                    }
                });
    }

    private void finished(List<List<Pending>> retry) {
        synchronized (this) {
            running--;
            if (retry != null) {
                for (int i = retry.size() - 1; i >= 0; i--) {
                    halves.addFirst(retry.get(i));
                }
            }
        }
        drain();
    }
}
