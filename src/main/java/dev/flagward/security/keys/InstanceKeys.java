package dev.flagward.security.keys;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The instance's identity and private key, created once per database (race-free when replicas start together) and
 * shared by every replica. The key derives public identifiers for verbatim (legacy) secrets: an HMAC, so that
 * whoever can list tokens cannot test guesses of a weak bootstrap secret offline against its identifier.
 */
@Singleton
public class InstanceKeys {

    public static final String LEGACY_ID_PREFIX = "legacy-";

    private final Pool pool;
    private volatile String instanceId;
    private volatile SecretKeySpec key;
    /** Mac.getInstance looks up providers on every call; each thread keeps its own, keyed once. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    });

    @Inject
    public InstanceKeys(Pool pool) {
        this.pool = pool;
    }

    /** Keys known already (tests of what derives from them). */
    public InstanceKeys(String instanceId, byte[] secret) {
        this.pool = null;
        this.instanceId = instanceId;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Row row = pool
                .preparedQuery("insert into instance (instance_id, secret) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(UUID.randomUUID().toString(), Buffer.buffer(fresh)))
                .chain(() -> pool.query("select instance_id, secret from instance").execute())
                .await().atMost(Duration.ofSeconds(30))
                .iterator().next();
        instanceId = row.getString("instance_id");
        key = new SecretKeySpec(row.getBuffer("secret").getBytes(), "HmacSHA256");
    }

    public String instanceId() {
        return instanceId;
    }

    /** The public identifier of a verbatim secret: not reversible, not testable without the instance key. */
    public String legacyId(String secret) {
        return LEGACY_ID_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(secret)).substring(0, 32);
    }

    public byte[] hmac(String message) {
        return macs.get().doFinal(message.getBytes(StandardCharsets.UTF_8));
    }
}
