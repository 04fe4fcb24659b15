package dev.flagward.user;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * bcrypt (Quarkus Elytron), always on a worker thread: one hash costs tens of milliseconds, far too long for an
 * event loop. Unknown users are checked against a dummy hash so both failures take the same time.
 */
@Singleton
public class Passwords {

    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
    public static final int MAX_BYTES = 72;

    /**
     * What an unknown user's password is checked against: a bcrypt hash at the same cost as real ones (10) of a
     * random string nobody kept. Only its cost matters, so it is a constant rather than a hash made at every start
     * (which took CPU from start-up on two cores).
     */
    static final String DUMMY_HASH = "$2a$10$V9qEgzwcmJwiChfSVhx01uIgxM9hwpzvKlFgpMFCvujIdjGnav9om";

    private final Vertx vertx;

    public Passwords(Vertx vertx) {
        this.vertx = vertx;
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(() -> BcryptUtil.bcryptHash(password), false);
    }

    /** True when the password matches; a null hash (unknown user, no password) costs the same and is false. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(() -> {
            boolean ok = BcryptUtil.matches(password, hash == null ? DUMMY_HASH : hash);
            return ok && hash != null;
        }, false);
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
