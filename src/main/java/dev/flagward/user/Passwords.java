package dev.flagward.user;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * bcrypt (Quarkus Elytron), always on a worker thread: one hash costs tens of milliseconds, far too long for an
 * event loop. The cost is {@code flagward.users.bcrypt-cost} (10). Unknown users are checked against a dummy hash
 * of the same cost, so both failures take the same time.
 */
@Singleton
public class Passwords {

    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
    public static final int MAX_BYTES = 72;
    static final int DEFAULT_COST = 10;

    /**
     * What an unknown user's password is checked against at the default cost: a bcrypt hash of a random string nobody
     * kept. Only its cost matters, so it is a constant rather than a hash made at every start (which took CPU from
     * start-up on two cores); another cost gets one made once, on first use.
     */
    static final String DUMMY_HASH = "$2a$10$V9qEgzwcmJwiChfSVhx01uIgxM9hwpzvKlFgpMFCvujIdjGnav9om";

    private final Vertx vertx;
    private final int cost;
    private volatile String dummyHash;

    @Inject
    public Passwords(Vertx vertx, UserConfig config) {
        this(vertx, config.bcryptCost());
    }

    Passwords(Vertx vertx, int cost) {
        this.vertx = vertx;
        this.cost = cost;
        this.dummyHash = cost == DEFAULT_COST ? DUMMY_HASH : null;
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(() -> BcryptUtil.bcryptHash(password, cost), false);
    }

    /** True when the password matches; a null hash (unknown user, no password) costs the same and is false. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(() -> {
            boolean ok = BcryptUtil.matches(password, hash == null ? dummyHash() : hash);
            return ok && hash != null;
        }, false);
    }

    /** On a worker thread only: at a cost other than the default, the first call hashes. */
    String dummyHash() {
        String dummy = dummyHash;
        if (dummy == null) {
            dummy = BcryptUtil.bcryptHash(randomPassword(), cost);
            dummyHash = dummy;
        }
        return dummy;
    }

    public static boolean tooLong(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
    }

    public static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
