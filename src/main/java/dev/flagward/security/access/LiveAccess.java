package dev.flagward.security.access;

import dev.flagward.security.authentication.CredentialCache;
import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.web.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers that outlive their request (a stream of Server-Sent Events) keep the promises a request keeps (SPEC §3,
 * §6.5): such an answer ends within a second, on every replica, once its credential would no longer let a new
 * request in. Every {@link #CHECK_EVERY} the credential that opened it is judged again, from memory, with what this
 * replica holds for it now (the cache that notifications from every replica keep current): still there with the same
 * verifier (deleted, logged out, user deleted: gone), not expired, and allowed what the method's {@link AccessRule}
 * requires ({@link AccessDecision}: the user's role as it is now, the license as it is now). An entry that another
 * replica announced as changed is being reloaded; if it stays unconfirmed for {@link #UNCONFIRMED_AT_MOST} (the
 * database cannot be reached), the answer ends: fail closed, as authentication does.
 */
@Singleton
public class LiveAccess {

    static final Duration CHECK_EVERY = Duration.ofMillis(200);
    static final Duration UNCONFIRMED_AT_MOST = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(LiveAccess.class);

    @Inject
    CredentialCache cache;
    @Inject
    AccessDecision decision;
    @Inject
    Caller caller;
    @Inject
    Clock clock;
    @Inject
    Vertx vertx;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    /**
     * The answer of the current request, ended as soon as the access that let the request in is lost; {@code lastWord}
     * turns the reason into a final item (or is null). Call it from the resource method, where the request is known.
     * The answer keeps its back-pressure: a watch is a second stream merged beside it that never emits, and fails when
     * the access is lost, which ends the merge.
     */
    public <T> Multi<T> whileAllowed(Multi<T> answer, Function<String, T> lastWord) {
        StoredCredential credential = caller.credential();
        AccessRule rule = caller.rule();
        if (credential == null || rule == null) {
            return answer; // public: there is no access to lose
        }
        return Multi.createFrom().deferred(() -> {
            Watch watch = new Watch(credential, rule);
            Multi<T> lost = Multi.createFrom().emitter(emitter -> {
                emitter.onTermination(() -> unwatch(watch));
                watch(watch);
                watch.started(emitter);
            });
            return Multi.createBy().merging().withRequests(1)
                    .streams(answer.onTermination().invoke(watch::answerEnded), lost)
                    .onFailure(AccessLost.class)
                    .recoverWithMulti(failure -> lastWord == null
                            ? Multi.createFrom().empty()
                            : Multi.createFrom().item(lastWord.apply(failure.getMessage())));
        });
    }

    /** Answers being watched on this replica (tests and operators). */
    public int watched() {
        return watches.size();
    }

    private synchronized void watch(Watch watch) {
        watches.add(watch);
        if (timer < 0) {
            timer = vertx.setPeriodic(CHECK_EVERY.toMillis(), id -> checkAll());
        }
    }

    private synchronized void unwatch(Watch watch) {
        watches.remove(watch);
        if (watches.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void checkAll() {
        for (Watch watch : watches) {
            String lost;
            try {
                lost = lostBecause(watch);
            } catch (RuntimeException e) {
                LOG.warnf("Could not judge a live answer's access; ending it: %s", e.getMessage());
                lost = "The access could not be confirmed.";
            }
            if (lost != null) {
                watch.end(lost);
            }
        }
    }

    /** Why a request with this credential would be refused now, or null while it would still be let in. */
    private String lostBecause(Watch watch) {
        StoredCredential now = cache.current(watch.selector);
        if (now == null || !now.kind().equals(watch.kind) || !MessageDigest.isEqual(now.verifier(), watch.verifier)) {
            return "The credential was revoked.";
        }
        if (now.suspended()) {
            long since = watch.unconfirmedSince;
            if (since == 0) {
                watch.unconfirmedSince = System.nanoTime();
            } else if (System.nanoTime() - since > UNCONFIRMED_AT_MOST.toNanos()) {
                return "The credential could not be confirmed.";
            }
            return null;
        }
        watch.unconfirmedSince = 0;
        if (now.expiredAt(clock.instant())) {
            return "The credential has expired.";
        }
        try {
            decision.require(watch.rule, now.principal());
        } catch (ApiException refused) {
            return refused.getMessage();
        }
        return null;
    }

    /** Ends a watched answer: the reason is the message. */
    private static final class AccessLost extends RuntimeException {

        AccessLost(String reason) {
            super(reason, null, false, false);
        }
    }

    /** One answer being watched: what let it in, and the stream that ends it. */
    private static final class Watch {

        final String kind;
        final String selector;
        final byte[] verifier;
        final AccessRule rule;
        /** System.nanoTime() since when the entry has been unconfirmed, or 0. Only the timer touches it. */
        long unconfirmedSince;
        private MultiEmitter<?> emitter;
        private boolean answerDone;

        Watch(StoredCredential credential, AccessRule rule) {
            this.kind = credential.kind();
            this.selector = credential.selector();
            this.verifier = credential.verifier();
            this.rule = rule;
        }

        synchronized void started(MultiEmitter<?> watching) {
            emitter = watching;
            if (answerDone) {
                watching.complete();
            }
        }

        synchronized void end(String reason) {
            if (emitter != null) {
                emitter.fail(new AccessLost(reason));
            }
        }

        /** The answer ended by itself: the watch ends too, so the merge completes. */
        synchronized void answerEnded() {
            answerDone = true;
            if (emitter != null) {
                emitter.complete();
            }
        }
    }
}
