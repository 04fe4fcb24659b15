package dev.flagward.user;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * bcrypt (Quarkus Elytron), always on a worker thread: one hash costs tens of milliseconds, far too long for an
 * event loop. Unknown users are checked against a dummy hash so both failures take the same time.
 */
@Singleton
public class Passwords {

    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
    public static final int MAX_BYTES = 72;

    private final Vertx vertx;
    /** Made in the background: one bcrypt hash on a cold JVM costs a noticeable part of start-up. */
    private final CompletableFuture<String> dummyHash;

    public Passwords(Vertx vertx) {
        this.vertx = vertx;
        this.dummyHash = CompletableFuture.supplyAsync(() -> BcryptUtil.bcryptHash(randomPassword()));
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(() -> BcryptUtil.bcryptHash(password), false);
    }

    /** True when the password matches; a null hash (unknown user, no password) costs the same and is false. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(() -> {
            boolean ok = BcryptUtil.matches(password, hash == null ? dummyHash.join() : hash);
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
