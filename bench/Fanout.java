import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Stream fan-out load generator (SPEC §10, issue 22): S subscribers of {@code GET /api/admin/signals/stream} while
 * signals arrive at R per second on {@code POST /api/signal-endpoint/{name}}. Every signal's body carries a sequence
 * number ({@code {"seq":n}}); the time its POST was acknowledged (2xx response received) is recorded per sequence,
 * and every subscriber parses its stream ({@code id:}, {@code data:} lines, dispatch on the blank line) and records,
 * per signal, the time from that acknowledgement to the chunk that completed the event. A stream the service ends
 * (it fell behind its buffer, see StreamConsumer) is reopened at once with {@code Last-Event-ID}, as an EventSource
 * would (without waiting the advertised {@code retry}), and counted.
 * <p>
 * Java 17, JDK HttpClient only: {@code java bench/Fanout.java --signal-token=… [--subscribers=1000 --rate=1000
 * --duration=60 --warmup=10 --url=http://127.0.0.1:18100 --pid=<service pid> --metrics=http://127.0.0.1:18101/q/metrics]}.
 * Memory: VmRSS/VmHWM from /proc/&lt;pid&gt;/status, heap used from the service's metrics (jvm_memory_used_bytes,
 * area=heap), after a full collection ({@code jcmd <pid> GC.run}) where marked.
 */
public class Fanout {

    // ---------------------------------------------------------------- options
    static final Map<String, String> OPTS = new HashMap<>();

    static String opt(String name, String dflt) {
        return OPTS.getOrDefault(name, dflt);
    }

    static int intOpt(String name, int dflt) {
        return Integer.parseInt(opt(name, String.valueOf(dflt)));
    }

    static double doubleOpt(String name, double dflt) {
        return Double.parseDouble(opt(name, String.valueOf(dflt)));
    }

    // ---------------------------------------------------------------- latency histogram (microseconds)
    /** 10 µs steps to 10 ms, 1 ms steps to 1 s, 100 ms steps to 60 s, then one overflow bucket. */
    static final class Hist {
        final int[] counts = new int[2581];
        long n;
        long max = Long.MIN_VALUE;

        static int bucket(long us) {
            if (us < 10_000) {
                return (int) (us / 10);
            }
            if (us < 1_000_000) {
                return 1000 + (int) ((us - 10_000) / 1000);
            }
            if (us < 60_000_000) {
                return 1990 + (int) ((us - 1_000_000) / 100_000);
            }
            return 2580;
        }

        /** The bucket's upper bound: a percentile is reported at most one step high, never low. */
        static long upper(int b) {
            if (b < 1000) {
                return (b + 1) * 10L;
            }
            if (b < 1990) {
                return 10_000 + (b - 999) * 1000L;
            }
            if (b < 2580) {
                return 1_000_000 + (b - 1989) * 100_000L;
            }
            return Long.MAX_VALUE;
        }

        void add(long us) {
            counts[bucket(Math.max(0, us))]++;
            n++;
            max = Math.max(max, us);
        }

        void merge(Hist o) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o.counts[i];
            }
            n += o.n;
            max = Math.max(max, o.max);
        }

        long percentile(double p) {
            long rank = (long) Math.ceil(p / 100 * n);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && seen > 0) {
                    return Math.min(upper(i), max);
                }
            }
            return max;
        }

        String summary() {
            if (n == 0) {
                return "p50 - p99 - max - (no samples)";
            }
            return String.format("p50 %s  p99 %s  p99.9 %s  max %s", ms(percentile(50)), ms(percentile(99)),
                    ms(percentile(99.9)), ms(max));
        }
    }

    static String ms(long us) {
        return us == Long.MAX_VALUE ? ">60000" : String.format("%.1f", us / 1000.0);
    }

    // ---------------------------------------------------------------- shared state
    static final long T0 = System.nanoTime();
    static volatile boolean running = true;
    static String base;
    static String admin;
    static int warmCount;
    static int measuredCount;
    /** Acknowledgement time of each sequence, as nanoseconds since T0, plus one (0: not acknowledged). */
    static AtomicLongArray acks;
    /** Send time of each sequence, as nanoseconds since T0, plus one. */
    static AtomicLongArray sends;
    static final LongAdder received = new LongAdder();
    static final CountDownLatch[] opened = new CountDownLatch[1];

    static long now() {
        return System.nanoTime() - T0 + 1;
    }

    // ---------------------------------------------------------------- one SSE subscriber
    static final class Subscriber implements Flow.Subscriber<List<ByteBuffer>> {
        final int index;
        final HttpClient client;
        final BitSet got;
        final Hist hist = new Hist();
        final Hist sentHist = new Hist();
        /** Deliveries that arrived before their acknowledgement was recorded: sequence, time. Resolved at the end. */
        final List<long[]> early = new ArrayList<>();
        private byte[] line = new byte[1024];
        private int len;
        private final byte[] scratch = new byte[16384];
        private long dataSeq = -1;
        private boolean sawId;
        private boolean isOpen;
        volatile Flow.Subscription subscription;
        long lastId = -1;
        long duplicates;
        long warmupDeliveries;
        long foreign;
        long ends;
        long streamErrors;
        long openFailures;
        long endedComments;
        String lastEndedComment;

        Subscriber(int index, HttpClient client, int measured) {
            this.index = index;
            this.client = client;
            this.got = new BitSet(measured);
        }

        void connect() {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/admin/signals/stream"))
                    .header("Authorization", admin).header("Accept", "text/event-stream");
            synchronized (this) {
                if (lastId >= 0) {
                    request.header("Last-Event-ID", Long.toString(lastId));
                }
                len = 0;
                dataSeq = -1;
                sawId = false;
            }
            client.sendAsync(request.build(), info -> {
                if (info.statusCode() == 200) {
                    return HttpResponse.BodySubscribers.fromSubscriber(this);
                }
                synchronized (this) {
                    openFailures++;
                }
                return HttpResponse.BodySubscribers.discarding();
            }).whenComplete((response, failure) -> {
                if (!running) {
                    return;
                }
                boolean failedOpen = failure != null || response.statusCode() != 200;
                synchronized (this) {
                    if (failure != null) {
                        streamErrors++;
                    } else if (response.statusCode() == 200) {
                        ends++;
                    }
                }
                // Reopen as an EventSource would, from the last id seen (a failed one is retried after 200 ms).
                CompletableFuture.delayedExecutor(failedOpen ? 200 : 0, TimeUnit.MILLISECONDS).execute(() -> {
                    if (running) {
                        connect();
                    }
                });
            });
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (!running) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            long at = now();
            for (ByteBuffer buffer : buffers) {
                while (buffer.hasRemaining()) {
                    int n = Math.min(buffer.remaining(), scratch.length);
                    buffer.get(scratch, 0, n);
                    for (int i = 0; i < n; i++) {
                        byte b = scratch[i];
                        if (b == '\n') {
                            line(at);
                            len = 0;
                        } else if (b != '\r') {
                            if (len == line.length) {
                                line = java.util.Arrays.copyOf(line, len * 2);
                            }
                            line[len++] = b;
                        }
                    }
                }
            }
        }

        private void line(long at) {
            if (len == 0) { // dispatch
                if (dataSeq >= 0) {
                    deliver(dataSeq, at);
                } else if (sawId && !isOpen) {
                    isOpen = true; // the opening frame: id and retry only
                    opened[0].countDown();
                }
                dataSeq = -1;
                sawId = false;
                return;
            }
            if (startsWith("data:")) {
                dataSeq = seq();
                if (dataSeq < 0) {
                    foreign++;
                }
            } else if (startsWith("id:")) {
                lastId = parseLong(3);
                sawId = true;
            } else if (line[0] == ':' && startsWith(":ended")) {
                endedComments++;
                lastEndedComment = new String(line, 0, len, StandardCharsets.UTF_8);
            }
        }

        private boolean startsWith(String prefix) {
            if (len < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private long parseLong(int from) {
            int i = from;
            while (i < len && line[i] == ' ') {
                i++;
            }
            long v = 0;
            boolean any = false;
            while (i < len && line[i] >= '0' && line[i] <= '9') {
                v = v * 10 + (line[i++] - '0');
                any = true;
            }
            return any ? v : -1;
        }

        /** The payload's {@code "seq"} (the stored JSON may have a space after the colon); -1 if absent. */
        private long seq() {
            outer: for (int i = 5; i + 5 < len; i++) {
                if (line[i] == '"' && line[i + 1] == 's' && line[i + 2] == 'e' && line[i + 3] == 'q'
                        && line[i + 4] == '"') {
                    int j = i + 5;
                    while (j < len && (line[j] == ' ' || line[j] == ':')) {
                        j++;
                    }
                    if (j == len || line[j] < '0' || line[j] > '9') {
                        continue outer;
                    }
                    return parseLong(j);
                }
            }
            return -1;
        }

        private void deliver(long seq, long at) {
            if (seq < warmCount) {
                warmupDeliveries++;
                return;
            }
            int idx = (int) (seq - warmCount);
            if (idx >= measuredCount) {
                foreign++;
                return;
            }
            if (got.get(idx)) {
                duplicates++;
                return;
            }
            got.set(idx);
            received.increment();
            sentHist.add((at - sends.get((int) seq)) / 1000);
            long ack = acks.get((int) seq);
            if (ack == 0) {
                early.add(new long[] { seq, at });
            } else {
                hist.add((at - ack) / 1000);
            }
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}

        void close() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    // ---------------------------------------------------------------- memory and CPU of the service
    static long pid;
    static String metrics;
    static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Memory(long rssKb, long hwmKb, long heapBytes) {}

    static Memory memory(boolean collect) {
        if (pid <= 0) {
            return new Memory(-1, -1, -1);
        }
        if (collect) {
            try {
                Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor(60, TimeUnit.SECONDS);
                Thread.sleep(300);
            } catch (IOException | InterruptedException e) {
                System.err.println("jcmd GC.run failed: " + e);
            }
        }
        long rss = -1;
        long hwm = -1;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    rss = Long.parseLong(l.replaceAll("[^0-9]", ""));
                } else if (l.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            System.err.println("cannot read /proc/" + pid + "/status: " + e);
        }
        long heap = -1;
        if (metrics != null) {
            try {
                String body = PLAIN.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                heap = 0;
                for (String l : body.split("\n")) {
                    if (l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\"")) {
                        heap += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                    }
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("cannot read heap from " + metrics + ": " + e);
            }
        }
        return new Memory(rss, hwm, heap);
    }

    /** utime + stime of the service, in clock ticks (100 per second on Linux). */
    static long serviceTicks() {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return -1;
        }
    }

    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String mb(long kb) {
        return kb < 0 ? "-" : String.format("%.1f MB", kb / 1024.0);
    }

    static String heapMb(long bytes) {
        return bytes < 0 ? "-" : String.format("%.1f MB", bytes / 1048576.0);
    }

    static String perSubscriber(long deltaBytes, int s) {
        return String.format("%+.1f kB", deltaBytes / 1024.0 / s);
    }

    // ---------------------------------------------------------------- main
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("options are --name=value; see the comment at the top of bench/Fanout.java");
                System.exit(2);
            }
            OPTS.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        base = opt("url", "http://127.0.0.1:18100");
        admin = opt("admin", "*:*.bench-admin-secret");
        String endpoint = opt("endpoint", "bench");
        String signalToken = opt("signal-token", null);
        if (signalToken == null) {
            System.err.println("--signal-token=<the endpoint's token> is required");
            System.exit(2);
        }
        int subscribers = intOpt("subscribers", 1000);
        double rate = doubleOpt("rate", 1000);
        int duration = intOpt("duration", 60);
        int warmup = intOpt("warmup", 10);
        int clientCount = Math.max(1, Math.min(intOpt("clients", 4), subscribers));
        int maxInFlight = intOpt("max-in-flight", 2000);
        int drain = intOpt("drain", 30);
        pid = Long.parseLong(opt("pid", "0"));
        metrics = opt("metrics", null);
        warmCount = (int) Math.round(rate * warmup);
        measuredCount = (int) Math.round(rate * duration);
        int total = warmCount + measuredCount;
        acks = new AtomicLongArray(total);
        sends = new AtomicLongArray(total);

        System.out.printf("Fan-out: %d subscribers of %s/api/admin/signals/stream, %s signals/s to "
                + "/api/signal-endpoint/%s for %d s after a %d s warm-up%n", subscribers, base, trim(rate), endpoint,
                duration, warmup);

        Memory before = memory(true);

        // Subscribers, spread over a few clients (one selector thread each).
        List<HttpClient> clients = new ArrayList<>();
        List<ExecutorService> executors = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            ExecutorService executor = Executors.newFixedThreadPool(2, daemon("sse-" + i));
            executors.add(executor);
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                    .connectTimeout(Duration.ofSeconds(30)).build());
        }
        opened[0] = new CountDownLatch(subscribers);
        List<Subscriber> subs = new ArrayList<>();
        long openStart = System.nanoTime();
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = new Subscriber(i, clients.get(i % clientCount), measuredCount);
            subs.add(s);
            s.connect();
            if (i % 50 == 49) {
                Thread.sleep(5); // no SYN storm
            }
        }
        if (!opened[0].await(120, TimeUnit.SECONDS)) {
            System.out.printf("  only %d of %d streams opened within 120 s%n", subscribers - opened[0].getCount(),
                    subscribers);
        }
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        Thread.sleep(1000);
        Memory idle = memory(true);

        // The sender: paced by absolute due times, so a late send does not shift the ones after it.
        ExecutorService postExecutor = Executors.newFixedThreadPool(2, daemon("post"));
        HttpClient poster = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(postExecutor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI postUri = URI.create(base + "/api/signal-endpoint/" + endpoint);
        AtomicInteger inFlight = new AtomicInteger();
        LongAdder postErrors = new LongAdder();
        Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
        Hist postHist = new Hist();
        long[] measuredWindow = new long[2];
        long[] stalls = new long[1];
        long[] cpu = new long[4];
        long[] rssMax = new long[] { -1 };
        Thread monitor = new Thread(() -> {
            while (running) {
                Memory m = memory(false);
                synchronized (rssMax) {
                    rssMax[0] = Math.max(rssMax[0], m.rssKb());
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "monitor");
        CountDownLatch allAnswered = new CountDownLatch(total);
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 20_000_000;
        for (int i = 0; i < total; i++) {
            if (i == warmCount) {
                measuredWindow[0] = System.nanoTime();
                cpu[0] = serviceTicks();
                cpu[1] = ownCpuNanos();
                if (!monitor.isAlive()) {
                    monitor.setDaemon(true);
                    monitor.start();
                }
            }
            long due = start + (long) (i * interval);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (inFlight.get() >= maxInFlight) {
                stalls[0]++;
                while (inFlight.get() >= maxInFlight) {
                    LockSupport.parkNanos(100_000);
                }
            }
            final int seq = i;
            inFlight.incrementAndGet();
            long sent = System.nanoTime();
            sends.set(seq, sent - T0 + 1);
            HttpRequest request = HttpRequest.newBuilder(postUri).header("Authorization", "Bearer " + signalToken)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"seq\":" + seq + "}")).build();
            poster.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long at = now();
                if (failure == null && response.statusCode() / 100 == 2) {
                    acks.set(seq, at);
                    if (seq >= warmCount) {
                        synchronized (postHist) {
                            postHist.add((at - (sent - T0 + 1)) / 1000);
                        }
                    }
                } else {
                    postErrors.increment();
                    String kind = failure != null ? failure.getClass().getSimpleName()
                            : "HTTP " + response.statusCode();
                    errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
                }
                inFlight.decrementAndGet();
                allAnswered.countDown();
            });
        }
        measuredWindow[1] = System.nanoTime();
        cpu[2] = serviceTicks();
        cpu[3] = ownCpuNanos();
        Memory underLoad = memory(false);
        allAnswered.await(60, TimeUnit.SECONDS);

        // Wait for every acknowledged measured signal to reach every subscriber, or for the drain time.
        long acked = 0;
        for (int i = warmCount; i < total; i++) {
            if (acks.get(i) != 0) {
                acked++;
            }
        }
        long expected = acked * subscribers;
        long drainStart = System.nanoTime();
        long deadline = drainStart + drain * 1_000_000_000L;
        while (received.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        Memory afterLoad = memory(true);
        running = false;
        for (Subscriber s : subs) {
            s.close();
        }
        Thread.sleep(2000);
        Memory closed = memory(true);

        // Results.
        Hist latency = new Hist();
        Hist sentLatency = new Hist();
        long got = 0;
        long duplicates = 0;
        long ends = 0;
        long streamErrors = 0;
        long openFailures = 0;
        long endedComments = 0;
        long beforeAck = 0;
        long withoutAck = 0;
        long foreign = 0;
        int short_ = 0;
        long worstMissing = 0;
        Map<String, Integer> endReasons = new TreeMap<>();
        for (Subscriber s : subs) {
            synchronized (s) {
                for (long[] e : s.early) {
                    long ack = acks.get((int) e[0]);
                    if (ack == 0) {
                        withoutAck++;
                    } else {
                        if (e[1] < ack) {
                            beforeAck++;
                        }
                        s.hist.add((e[1] - ack) / 1000);
                    }
                }
                latency.merge(s.hist);
                sentLatency.merge(s.sentHist);
                long n = s.got.cardinality();
                got += n;
                if (n < acked) {
                    short_++;
                    worstMissing = Math.max(worstMissing, acked - n);
                }
                duplicates += s.duplicates;
                ends += s.ends;
                streamErrors += s.streamErrors;
                openFailures += s.openFailures;
                endedComments += s.endedComments;
                foreign += s.foreign;
                if (s.lastEndedComment != null) {
                    endReasons.merge(s.lastEndedComment, 1, Integer::sum);
                }
            }
        }
        double window = (measuredWindow[1] - measuredWindow[0]) / 1e9;
        System.out.printf("  streams opened in %.1f s; refused opens (non-200, retried): %d; stream errors (reopened): %d%n",
                openSeconds, openFailures, streamErrors);
        System.out.printf("  signals sent %d (%d measured at %.1f/s achieved), acknowledged %d, errors %d%s%s%n",
                total, measuredCount, measuredCount / window, acked + countAcked(0, warmCount), postErrors.sum(),
                errorKinds.isEmpty() ? "" : " " + errorKinds, stalls[0] > 0 ? ", sender stalled on " + maxInFlight
                        + " in flight " + stalls[0] + " times" : "");
        System.out.printf("  POST send→ack ms:      %s%n", postHist.summary());
        System.out.printf("  deliveries expected %d (%d acknowledged × %d subscribers), received %d, missing %d;"
                + " subscribers missing any: %d (worst: %d missing)%n", expected, acked, subscribers, got,
                expected - got, short_, worstMissing);
        System.out.printf("  duplicates %d; delivered without an acknowledgement %d; other data %d; drain %.1f s%n",
                duplicates, withoutAck, foreign, drainSeconds);
        System.out.printf("  streams ended by the service and reopened with Last-Event-ID: %d%s%n", ends,
                endedComments > 0 ? " (last words: " + endReasons + ")" : "");
        System.out.printf("  ack→delivery ms:       %s  (%d samples; %d delivered before their ack was seen, "
                + "counted as 0)%n", latency.summary(), latency.n, beforeAck);
        System.out.printf("  send→delivery ms:      %s%n", sentLatency.summary());
        if (pid > 0) {
            double ticks = cpu[2] - cpu[0];
            System.out.printf("  CPU over the measured phase: service %.0f %%, load generator %.0f %% (of one core;"
                    + " %d cores)%n", ticks / window, (cpu[3] - cpu[1]) / 1e7 / window,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("  service memory (GC = after jcmd GC.run):%n");
            System.out.printf("    %-32s RSS %s, heap %s%n", "before subscribers (GC)", mb(before.rssKb()),
                    heapMb(before.heapBytes()));
            System.out.printf("    %-32s RSS %s, heap %s  → per subscriber: RSS %s, heap %s%n",
                    subscribers + " subscribers idle (GC)", mb(idle.rssKb()), heapMb(idle.heapBytes()),
                    perSubscriber((idle.rssKb() - before.rssKb()) * 1024, subscribers),
                    perSubscriber(idle.heapBytes() - before.heapBytes(), subscribers));
            System.out.printf("    %-32s RSS %s, heap %s; highest RSS sampled during load %s%n",
                    "end of load (no GC)", mb(underLoad.rssKb()), heapMb(underLoad.heapBytes()), mb(rssMax[0]));
            System.out.printf("    %-32s RSS %s, heap %s%n", "after load, subscribers on (GC)", mb(afterLoad.rssKb()),
                    heapMb(afterLoad.heapBytes()));
            System.out.printf("    %-32s RSS %s, heap %s  → per subscriber (on − closed): RSS %s, heap %s%n",
                    "subscribers closed (GC)", mb(closed.rssKb()), heapMb(closed.heapBytes()),
                    perSubscriber((afterLoad.rssKb() - closed.rssKb()) * 1024, subscribers),
                    perSubscriber(afterLoad.heapBytes() - closed.heapBytes(), subscribers));
            System.out.printf("    %-32s %s%n", "peak RSS (VmHWM, or higher sample)",
                    mb(Math.max(closed.hwmKb(), rssMax[0])));
        }
        boolean met = expected > 0 && got == expected && latency.percentile(99) < 100_000;
        System.out.printf("  target (every subscriber gets every signal, p99 < 100 ms): %s%n", met ? "met" : "NOT met");
        executors.forEach(ExecutorService::shutdownNow);
        postExecutor.shutdownNow();
        System.exit(0);
    }

    static long countAcked(int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            if (acks.get(i) != 0) {
                n++;
            }
        }
        return n;
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
