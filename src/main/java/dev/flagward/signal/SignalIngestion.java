package dev.flagward.signal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagward.security.keys.SecretBox;
import dev.flagward.security.principal.ScopedTokenPrincipal;
import dev.flagward.web.ApiException;
import dev.flagward.web.RateLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Inbound signals (SPEC §6.3). The token was authenticated by the access filter; here: the endpoint in the URL must
 * be the token's (401), within its rate (429), enabled (404), signed when it has a signing secret (401), and the
 * body a JSON object PostgreSQL can store (400). The answer's id exists only once the signal is committed. A signed
 * call's webhook id is remembered apart from the signal (retention does not forget it): a copy gets the first answer
 * (same body) or 409 (another body).
 * <p>
 * The common case, an unsigned endpoint, is one statement shared with whatever else arrived meanwhile
 * ({@link SignalWriter}): the insert itself checks the endpoint's name, that it is enabled and unsigned. Only when it
 * inserts nothing is the endpoint read, to say why (or to check a signature).
 */
@ApplicationScoped
public class SignalIngestion {

    /**
     * Remembers the webhook id and inserts the signal in one statement: a concurrent copy (on any replica) waits on
     * the memory's primary key and then inserts nothing, and a payload PostgreSQL refuses leaves no memory behind.
     */
    private static final String INSERT_SIGNED = """
            with remembered as (
                insert into webhook_replay_memory (source_id, webhook_id, body_sha256, signal_id, seen_at)
                select e.id, $6, $7, nextval('signals_id_seq'), $3 from signal_endpoints e where e.id = $1 and e.enabled
                on conflict (source_id, webhook_id) do nothing
                returning signal_id)
            insert into signals (id, source_id, payload, created_at, created_by_source_token_id, token_name, webhook_id)
            overriding system value
            select signal_id, $1, $2::text::jsonb, $3, $4, $5, $6 from remembered
            returning id
            """;
    private static final String REMEMBERED = "select signal_id, body_sha256 from webhook_replay_memory "
            + "where source_id = $1 and webhook_id = $2";
    private static final String ENDPOINT = "select id, enabled, signing_secret, previous_secret, previous_secret_until "
            + "from signal_endpoints where name = $1";

    private final Pool pool;
    private final SignalWriter writer;
    private final SignalChannel channel;
    private final ObjectMapper json;
    private final RateLimits rateLimits;
    private final RateLimits.Limit limit;
    private final SecretBox secrets;
    private final Clock clock;

    public SignalIngestion(Pool pool, SignalWriter writer, SignalChannel channel, ObjectMapper json,
            RateLimits rateLimits,
            SecretBox secrets, SignalConfig config, Clock clock) {
        this.pool = pool;
        this.writer = writer;
        this.channel = channel;
        this.json = json;
        this.rateLimits = rateLimits;
        this.limit = new RateLimits.Limit("signal", config.burst(), config.ratePerSecond(), Duration.ofSeconds(1));
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Why a signal was refused, for the metrics (the answer's status says the rest). */
    static final class Refused extends RuntimeException {

        final String reason;

        Refused(String reason, ApiException answer) {
            super(answer.getMessage(), answer, false, false);
            this.reason = reason;
        }
    }

    /** Stores one signal and answers its id once committed. */
    public Uni<Long> ingest(ScopedTokenPrincipal token, String name, byte[] body, WebhookSignature.Headers headers) {
        rateLimits.consume(limit, String.valueOf(token.scopeId()));
        if (headers.any()) {
            return signed(token, name, body, headers);
        }
        String payload = payload(body);
        return writer.write(token.scopeId(), name, payload, token.tokenId(), token.tokenName())
                .chain(id -> id != null
                        ? Uni.createFrom().item(id)
                        : endpoint(token, name).chain(endpoint -> {
                            // Enabled and ours, so it must have a signing secret: the call needed a signature.
                            throw signatureRefused(WebhookSignature.problem(headers, body, List.of(), clock.instant()));
                        }));
    }

    private Uni<Long> signed(ScopedTokenPrincipal token, String name, byte[] body, WebhookSignature.Headers headers) {
        return endpoint(token, name).chain(endpoint -> {
            Instant now = clock.instant();
            byte[] current = bytes(endpoint, "signing_secret");
            if (current == null) {
                // Not a signed endpoint: the headers mean nothing here, the signal is stored as any other.
                return insertUnsignedOrExplain(token, name, payload(body));
            }
            List<byte[]> keys = SigningKeys.inForce(secrets, token.scopeId(), current,
                    bytes(endpoint, "previous_secret"),
                    endpoint.getOffsetDateTime("previous_secret_until") == null
                            ? null
                            : endpoint.getOffsetDateTime("previous_secret_until").toInstant(),
                    now);
            String problem = WebhookSignature.problem(headers, body, keys, now);
            if (problem != null) {
                throw signatureRefused(problem);
            }
            String payload = payload(body);
            String webhookId = headers.id();
            byte[] bodyHash = sha256(body);
            return pool.preparedQuery(INSERT_SIGNED)
                    .execute(Tuple
                            .from(new Object[]{token.scopeId(), payload, now.atOffset(ZoneOffset.UTC), token.tokenId(),
                                    token.tokenName(), webhookId, Buffer.buffer(bodyHash)}))
                    .chain(rows -> rows.size() == 1
                            ? Uni.createFrom().item(rows.iterator().next().getLong(0))
                                    .invoke(id -> channel.announce(List.of(id)))
                            // A copy (replayed, retried, or concurrent and committed first): the first answer.
                            : pool.preparedQuery(REMEMBERED).execute(Tuple.of(token.scopeId(), webhookId))
                                    .map(found -> firstAnswer(first(found), bodyHash, name)));
        });
    }

    /** The answer to a copy of a signed call: the first signal's id for the same body, 409 for another body. */
    private static long firstAnswer(Row remembered, byte[] bodyHash, String name) {
        if (remembered == null) {
            throw disabled(name); // nothing remembered and nothing inserted: the endpoint is gone or off
        }
        byte[] firstHash = bytes(remembered, "body_sha256");
        if (firstHash != null && !MessageDigest.isEqual(firstHash, bodyHash)) {
            throw new Refused("replay", ApiException.nameExists(
                    "This webhook-id was already received by this endpoint with a different body; a new message needs a new webhook-id."));
        }
        return remembered.getLong("signal_id");
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private Uni<Long> insertUnsignedOrExplain(ScopedTokenPrincipal token, String name, String payload) {
        return writer.write(token.scopeId(), name, payload, token.tokenId(), token.tokenName()).map(id -> {
            if (id == null) {
                throw disabled(name); // changed between the two statements
            }
            return id;
        });
    }

    /** The endpoint the URL names, when it exists (404), is the token's (401) and is enabled (404). */
    private Uni<Row> endpoint(ScopedTokenPrincipal token, String name) {
        return pool.preparedQuery(ENDPOINT).execute(Tuple.of(name)).map(rows -> {
            Row endpoint = first(rows);
            if (endpoint == null) {
                throw disabled(name);
            }
            if (endpoint.getLong("id") != token.scopeId()) {
                throw new Refused("auth",
                        ApiException.unauthorized("This token does not belong to the signal endpoint " + name + "."));
            }
            if (!endpoint.getBoolean("enabled")) {
                throw disabled(name);
            }
            return endpoint;
        });
    }

    /** The body as stored: a JSON object jsonb takes, or {@code {}} for none. Anything else is 400. */
    private String payload(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return "{}";
        }
        try {
            JsonbPayload.check(json, body);
        } catch (ApiException refused) {
            throw new Refused("body", refused);
        }
        return text;
    }

    private static Refused signatureRefused(String problem) {
        return new Refused("signature", ApiException.unauthorized(problem));
    }

    private static Refused disabled(String name) {
        return new Refused("endpoint",
                ApiException.notFound("There is no enabled signal endpoint named " + name + "."));
    }

    private static Row first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    private static byte[] bytes(Row row, String column) {
        var buffer = row.getBuffer(column);
        return buffer == null ? null : buffer.getBytes();
    }
}
