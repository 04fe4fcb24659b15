import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revocation across replicas (SPEC §10, issue 22). For each of N rounds: creates a backend API token through the first
 * replica, polls every replica's {@code POST /edge/validate} until it accepts the token (the token is listed in the
 * answer), deletes it through the first replica ({@code DELETE /api/admin/api-tokens/{secret}}), and polls every
 * replica until it refuses it (answers {@code {"tokens":[]}}). A replica's revocation latency is the time from the
 * DELETE's response to the response of its first poll that refused the token: an upper bound, including up to one
 * poll interval and one poll round trip (printed). The lower bound is when the last poll that still saw the token was
 * sent (0 when the first poll already refused it). Each replica has one poll in flight at a time, the next sent
 * {@code --poll-ms} after the previous one was sent, or at once if its answer came later.
 * <p>
 * Java 17, JDK HttpClient only: {@code java bench/Revocation.java --urls=http://127.0.0.1:18110,http://127.0.0.1:18112
 * [--revocations=50 --warmup=3 --poll-ms=2 --timeout=10 --pause-ms=100 --admin=…]}.
 */
public class Revocation {

    static final Map<String, String> OPTS = new HashMap<>();
    static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"");
    static HttpClient client;
    static ScheduledExecutorService timer;
    static long pollNanos;
    static long timeoutNanos;
    static final List<Long> pollRoundTrips = new ArrayList<>();

    static String opt(String name, String dflt) {
        return OPTS.getOrDefault(name, dflt);
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("options are --name=value; see the comment at the top of bench/Revocation.java");
                System.exit(2);
            }
            OPTS.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        String[] urls = opt("urls", "http://127.0.0.1:18110").split(",");
        String admin = opt("admin", "*:*.bench-admin-secret");
        int rounds = Integer.parseInt(opt("revocations", "50"));
        int warmup = Integer.parseInt(opt("warmup", "3")); // rounds first, not counted: both JVMs compile meanwhile
        pollNanos = Long.parseLong(opt("poll-ms", "2")) * 1_000_000L;
        timeoutNanos = Long.parseLong(opt("timeout", "10")) * 1_000_000_000L;
        long pauseMs = Long.parseLong(opt("pause-ms", "100"));
        int k = urls.length;

        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "poll-timer");
            t.setDaemon(true);
            return t;
        });

        long[][] revoke = new long[k][rounds]; // ns after the DELETE's response; -1: timed out
        long[][] revokeLow = new long[k][rounds]; // the lower bound
        long[][] accept = new long[k][rounds]; // ns after the create's response
        long[] deleteRoundTrip = new long[rounds];
        int failures = 0;
        for (int round = -warmup; round < rounds; round++) {
            int r = Math.max(round, 0); // warm-up rounds are overwritten by round 0
            if (round == 0) {
                synchronized (pollRoundTrips) {
                    pollRoundTrips.clear();
                }
            }
            String name = "revocation-" + System.currentTimeMillis() + "-" + round;
            HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(urls[0] + "/api/admin/api-tokens"))
                    .header("Authorization", admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"tokenName\":\"" + name + "\",\"type\":\"backend\",\"projects\":[\"default\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long createdAt = System.nanoTime();
            Matcher m = SECRET.matcher(created.body());
            if (created.statusCode() != 201 || !m.find()) {
                System.err.println("create failed: " + created.statusCode() + " " + created.body());
                failures++;
                continue;
            }
            String secret = m.group(1);
            String body = "{\"tokens\":[\"" + secret + "\"]}";
            long[][] accepted = waitAll(urls, body, answer -> answer.contains(secret), createdAt);
            for (int i = 0; i < k; i++) {
                accept[i][r] = accepted[0][i];
            }
            long deleteSent = System.nanoTime();
            HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(URI.create(urls[0]
                    + "/api/admin/api-tokens/" + URLEncoder.encode(secret, StandardCharsets.UTF_8)))
                    .header("Authorization", admin).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            long deletedAt = System.nanoTime();
            deleteRoundTrip[r] = deletedAt - deleteSent;
            if (deleted.statusCode() != 200) {
                System.err.println("delete failed: " + deleted.statusCode() + " " + deleted.body());
                failures++;
            }
            long[][] refused = waitAll(urls, body, answer -> answer.replace(" ", "").equals("{\"tokens\":[]}"),
                    deletedAt);
            for (int i = 0; i < k; i++) {
                revoke[i][r] = refused[0][i];
                revokeLow[i][r] = refused[1][i];
            }
            Thread.sleep(pauseMs);
        }

        System.out.printf("  revocation reaches the replica, ms after the DELETE's response (%d revocations through"
                + " replica 1, polls every %d ms):%n", rounds, pollNanos / 1_000_000);
        long[] slowest = new long[rounds];
        long[] slowestLow = new long[rounds];
        List<Long> all = new ArrayList<>();
        List<Long> allLow = new ArrayList<>();
        int timeouts = 0;
        for (int i = 0; i < k; i++) {
            System.out.printf("    replica %d (%s): %s%n", i + 1, urls[i], stats(revoke[i]));
            for (int r = 0; r < rounds; r++) {
                if (revoke[i][r] < 0) {
                    timeouts++;
                }
                slowest[r] = slowest[r] < 0 || revoke[i][r] < 0 ? -1 : Math.max(slowest[r], revoke[i][r]);
                slowestLow[r] = Math.max(slowestLow[r], revokeLow[i][r]);
                all.add(revoke[i][r]);
                allLow.add(revokeLow[i][r]);
            }
        }
        System.out.printf("    every replica, every revocation:  %s%n", stats(all.stream().mapToLong(x -> x).toArray()));
        System.out.printf("    the last replica per revocation:  %s%n", stats(slowest));
        long[] fromRequest = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            fromRequest[r] = slowest[r] < 0 ? -1 : slowest[r] + deleteRoundTrip[r];
        }
        System.out.printf("    the last replica per revocation, from the DELETE's request (round trip included): %s%n",
                stats(fromRequest));
        System.out.printf("    lower bounds (last poll that still accepted, sent): every replica %s; the last replica"
                + " per revocation %s%n", stats(allLow.stream().mapToLong(x -> x).toArray()), stats(slowestLow));
        long over = all.stream().filter(x -> x < 0 || x > 1_000_000_000L).count();
        System.out.printf("    over 1 s: %d of %d (timeouts after %d s: %d)%n", over, all.size(),
                timeoutNanos / 1_000_000_000L, timeouts);
        long[] lastAccept = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                lastAccept[r] = lastAccept[r] < 0 || accept[i][r] < 0 ? -1 : Math.max(lastAccept[r], accept[i][r]);
            }
        }
        System.out.printf("  a new token accepted by every replica, ms after the create's response: %s%n",
                stats(lastAccept));
        System.out.printf("  DELETE round trip (replica 1): %s%n", stats(deleteRoundTrip));
        long[] rtt;
        synchronized (pollRoundTrips) {
            rtt = pollRoundTrips.stream().mapToLong(x -> x).toArray();
        }
        System.out.printf("  poll round trip (/edge/validate, every replica): %s; %d polls%n", stats(rtt), rtt.length);
        if (failures > 0) {
            System.out.printf("  failed creates or deletes: %d%n", failures);
        }
        boolean met = over == 0 && failures == 0;
        System.out.printf("  target (reaches all replicas within 1 s, max included): %s%n", met ? "met" : "NOT met");
        executor.shutdownNow();
        timer.shutdownNow();
        System.exit(0);
    }

    /**
     * Polls every replica until its answer passes. Per replica, from {@code from}: [0] when the first passing answer came
     * (-1 after the timeout), [1] when the last poll that did not pass was sent (0 if none).
     */
    static long[][] waitAll(String[] urls, String body, Predicate<String> done, long from) throws Exception {
        long[][] result = new long[2][urls.length];
        CompletableFuture<?>[] waits = new CompletableFuture<?>[urls.length];
        for (int i = 0; i < urls.length; i++) {
            int replica = i;
            CompletableFuture<Long> wait = new CompletableFuture<>();
            long[] lastNotDone = { from };
            poll(urls[i], body, done, from, wait, lastNotDone);
            waits[i] = wait.thenAccept(t -> {
                result[0][replica] = t;
                result[1][replica] = lastNotDone[0] - from;
            });
        }
        CompletableFuture.allOf(waits).get();
        return result;
    }

    static void poll(String url, String body, Predicate<String> done, long from, CompletableFuture<Long> wait,
            long[] lastNotDone) {
        long sent = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/edge/validate"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            long at = System.nanoTime();
            synchronized (pollRoundTrips) {
                pollRoundTrips.add(at - sent);
            }
            if (failure == null && response.statusCode() == 200 && done.test(response.body())) {
                wait.complete(at - from);
                return;
            }
            lastNotDone[0] = Math.max(lastNotDone[0], sent);
            if (at - from > timeoutNanos) {
                wait.complete(-1L);
                return;
            }
            long next = sent + pollNanos - at;
            if (next <= 0) {
                poll(url, body, done, from, wait, lastNotDone);
            } else {
                timer.schedule(() -> poll(url, body, done, from, wait, lastNotDone), next, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** "p50 … p99 … max … (n)" in ms, nearest rank; -1 entries (timeouts) count as infinitely late. */
    static String stats(long[] nanos) {
        if (nanos.length == 0) {
            return "no samples";
        }
        long[] sorted = Arrays.stream(nanos).map(x -> x < 0 ? Long.MAX_VALUE : x).sorted().toArray();
        return String.format("p50 %s  p99 %s  max %s  (n=%d)", msOf(rank(sorted, 50)), msOf(rank(sorted, 99)),
                msOf(sorted[sorted.length - 1]), sorted.length);
    }

    static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String msOf(long nanos) {
        return nanos == Long.MAX_VALUE ? "timeout" : String.format("%.1f", nanos / 1e6);
    }
}
