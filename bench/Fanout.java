import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * per signal, the time from that acknowledgement to the read that completed the event. A stream the service ends
 * (it fell behind its buffer, see StreamConsumer) is reopened at once with {@code Last-Event-ID}, as an EventSource
 * would (without waiting the advertised {@code retry}), and counted.
 * <p>
 * Java 17, no dependencies: {@code java bench/Fanout.java --signal-token=… [--subscribers=1000 --rate=1000
 * --duration=60 --warmup=10 --url=http://127.0.0.1:18100 --admin=… --endpoint=bench --pid=<service pid>
 * --metrics=http://127.0.0.1:18101/q/metrics --max-in-flight=64 --drain=30 --client=nio|jdk --io-threads=1]}.
 * Signals are sent with the JDK HttpClient, paced by absolute due times, at most {@code max-in-flight} at once (the
 * achieved rate is printed). Subscribers read with plain NIO sockets by default ({@code --client=nio}: HTTP/1.1 and
 * chunked transfer decoded by hand, {@code io-threads} selector threads), or with the JDK HttpClient
 * ({@code --client=jdk}), which took about 1.4 times the CPU per event in the bench's runs.
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
    static CountDownLatch opened;

    static long now() {
        return System.nanoTime() - T0 + 1;
    }

    // ---------------------------------------------------------------- one SSE subscriber: parser and figures
    /** What one subscriber received; fed bytes of the event stream (after HTTP framing) by its transport. */
    static final class Subscriber {
        final int index;
        final BitSet got;
        final Hist hist = new Hist();
        final Hist sentHist = new Hist();
        /** Deliveries that arrived before their acknowledgement was recorded: sequence, time. Resolved at the end. */
        final List<long[]> early = new ArrayList<>();
        private byte[] line = new byte[1024];
        private int len;
        private long dataSeq = -1;
        private boolean sawId;
        private boolean isOpen;
        /** The last event id of a dispatched event (what a reconnection sends), and the one of the event being read. */
        private long lastId = -1;
        private long pendingId = -1;
        long duplicates;
        long warmupDeliveries;
        long foreign;
        long ends;
        long streamErrors;
        long openFailures;
        long endedComments;
        String lastEndedComment;

        Subscriber(int index, int measured) {
            this.index = index;
            this.got = new BitSet(measured);
        }

        /** A new connection: the parser starts over; the id to resume from, or -1. */
        synchronized long reopen() {
            len = 0;
            dataSeq = -1;
            sawId = false;
            return lastId;
        }

        synchronized void bytes(byte[] buf, int off, int n, long at) {
            for (int i = off, end = off + n; i < end; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    line(at);
                    len = 0;
                } else if (b != '\r') {
                    if (len == line.length) {
                        line = Arrays.copyOf(line, len * 2);
                    }
                    line[len++] = b;
                }
            }
        }

        synchronized void count(boolean end, boolean error, boolean refused) {
            if (end) {
                ends++;
            }
            if (error) {
                streamErrors++;
            }
            if (refused) {
                openFailures++;
            }
        }

        private void line(long at) {
            if (len == 0) { // dispatch
                if (sawId) {
                    lastId = pendingId;
                }
                if (dataSeq >= 0) {
                    deliver(dataSeq, at);
                } else if (sawId && !isOpen) {
                    isOpen = true; // the opening frame: id and retry only
                    opened.countDown();
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
                pendingId = parseLong(3);
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
            for (int i = 5; i + 5 < len; i++) {
                if (line[i] == '"' && line[i + 1] == 's' && line[i + 2] == 'e' && line[i + 3] == 'q'
                        && line[i + 4] == '"') {
                    int j = i + 5;
                    while (j < len && (line[j] == ' ' || line[j] == ':')) {
                        j++;
                    }
                    if (j < len && line[j] >= '0' && line[j] <= '9') {
                        return parseLong(j);
                    }
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
    }

    static byte[] streamRequest(long lastId) {
        URI uri = URI.create(base);
        String request = "GET /api/admin/signals/stream HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nAuthorization: " + admin + "\r\nAccept: text/event-stream\r\n"
                + (lastId >= 0 ? "Last-Event-ID: " + lastId + "\r\n" : "") + "\r\n";
        return request.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- transport 1 (default): plain sockets, NIO
    /**
     * Subscribers' connections on a few selector threads, HTTP/1.1 read by hand (status line, headers, chunked body):
     * several times cheaper per event than the JDK HttpClient's reactive pipeline, and the load generator shares the
     * two cores with the service.
     */
    static final class NioLoop implements Runnable {
        private record Later(long at, Subscriber subscriber) {}

        final Selector selector;
        final InetSocketAddress address;
        final ConcurrentLinkedQueue<Subscriber> toOpen = new ConcurrentLinkedQueue<>();
        private final PriorityQueue<Later> later = new PriorityQueue<>(Comparator.comparingLong(Later::at));
        private final ByteBuffer readBuffer = ByteBuffer.allocate(1 << 16);

        NioLoop(InetSocketAddress address) throws IOException {
            this.selector = Selector.open();
            this.address = address;
        }

        void open(Subscriber subscriber) {
            toOpen.add(subscriber);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(20);
                    for (Subscriber s; (s = toOpen.poll()) != null;) {
                        connect(s);
                    }
                    long now = System.nanoTime();
                    while (!later.isEmpty() && later.peek().at() <= now) {
                        connect(later.poll().subscriber());
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        NioStream stream = (NioStream) key.attachment();
                        try {
                            if (key.isValid() && key.isConnectable()) {
                                stream.connected(key);
                            }
                            if (key.isValid() && key.isWritable()) {
                                stream.write(key);
                            }
                            if (key.isValid() && key.isReadable()) {
                                stream.read(key, readBuffer);
                            }
                        } catch (IOException e) {
                            stream.close(key);
                            stream.subscriber.count(false, true, false);
                            reopen(stream.subscriber, 200);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                System.err.println("selector failed: " + e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }

        private void connect(Subscriber subscriber) {
            try {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                NioStream stream = new NioStream(subscriber, ByteBuffer.wrap(streamRequest(subscriber.reopen())));
                boolean done = channel.connect(address);
                channel.register(selector, done ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, stream);
            } catch (IOException e) {
                subscriber.count(false, true, false);
                reopen(subscriber, 200);
            }
        }

        void reopen(Subscriber subscriber, long afterMs) {
            if (running) {
                later.add(new Later(System.nanoTime() + afterMs * 1_000_000, subscriber));
            }
        }

        /** One connection of a subscriber: HTTP/1.1 response head, then a chunked (or plain) body of events. */
        final class NioStream {
            static final int HEAD = 0;
            static final int SIZE = 1;
            static final int DATA = 2;
            static final int DATA_END = 3;
            static final int PLAIN = 4;
            final Subscriber subscriber;
            final ByteBuffer request;
            private int state = HEAD;
            private byte[] head = new byte[2048];
            private int headLen;
            private long chunkLeft;
            private boolean extension;

            NioStream(Subscriber subscriber, ByteBuffer request) {
                this.subscriber = subscriber;
                this.request = request;
            }

            void connected(SelectionKey key) throws IOException {
                if (((SocketChannel) key.channel()).finishConnect()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                }
            }

            void write(SelectionKey key) throws IOException {
                ((SocketChannel) key.channel()).write(request);
                if (!request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }

            void close(SelectionKey key) {
                key.cancel();
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closed anyway
                }
            }

            void read(SelectionKey key, ByteBuffer buffer) throws IOException {
                buffer.clear();
                int n = ((SocketChannel) key.channel()).read(buffer);
                if (n < 0) {
                    close(key);
                    subscriber.count(state != HEAD, state == HEAD, false);
                    reopen(subscriber, state == HEAD ? 200 : 0);
                    return;
                }
                long at = now();
                byte[] a = buffer.array();
                int i = 0;
                while (i < n) {
                    switch (state) {
                        case HEAD -> {
                            if (headLen == head.length) {
                                head = Arrays.copyOf(head, headLen * 2);
                            }
                            head[headLen++] = a[i++];
                            if (headLen >= 4 && head[headLen - 1] == '\n' && head[headLen - 2] == '\r'
                                    && head[headLen - 3] == '\n' && head[headLen - 4] == '\r') {
                                String text = new String(head, 0, headLen, StandardCharsets.ISO_8859_1);
                                if (!text.startsWith("HTTP/1.1 200")) {
                                    close(key);
                                    subscriber.count(false, false, true);
                                    reopen(subscriber, 200);
                                    return;
                                }
                                state = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked") ? SIZE
                                        : PLAIN;
                                chunkLeft = 0;
                                extension = false;
                            }
                        }
                        case SIZE -> {
                            byte b = a[i++];
                            if (b == '\n') {
                                if (chunkLeft == 0) { // the last chunk: the service ended the stream
                                    close(key);
                                    subscriber.count(true, false, false);
                                    reopen(subscriber, 0);
                                    return;
                                }
                                state = DATA;
                            } else if (b == ';') {
                                extension = true;
                            } else if (!extension && b != '\r') {
                                chunkLeft = chunkLeft * 16 + Character.digit(b, 16);
                            }
                        }
                        case DATA -> {
                            int m = (int) Math.min(chunkLeft, n - i);
                            subscriber.bytes(a, i, m, at);
                            i += m;
                            chunkLeft -= m;
                            if (chunkLeft == 0) {
                                state = DATA_END;
                            }
                        }
                        case DATA_END -> {
                            if (a[i++] == '\n') {
                                state = SIZE;
                                extension = false;
                            }
                        }
                        default -> {
                            subscriber.bytes(a, i, n - i, at);
                            i = n;
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- transport 2 (--client=jdk): JDK HttpClient
    static final ConcurrentLinkedQueue<Flow.Subscription> JDK_STREAMS = new ConcurrentLinkedQueue<>();

    static void openWithHttpClient(HttpClient client, Subscriber subscriber) {
        long lastId = subscriber.reopen();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/admin/signals/stream"))
                .header("Authorization", admin).header("Accept", "text/event-stream");
        if (lastId >= 0) {
            request.header("Last-Event-ID", Long.toString(lastId));
        }
        Flow.Subscriber<List<ByteBuffer>> body = new Flow.Subscriber<>() {
            private final byte[] scratch = new byte[16384];

            @Override
            public void onSubscribe(Flow.Subscription s) {
                JDK_STREAMS.add(s);
                if (running) {
                    s.request(Long.MAX_VALUE);
                } else {
                    s.cancel();
                }
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                long at = now();
                for (ByteBuffer buffer : buffers) {
                    while (buffer.hasRemaining()) {
                        int n = Math.min(buffer.remaining(), scratch.length);
                        buffer.get(scratch, 0, n);
                        subscriber.bytes(scratch, 0, n, at);
                    }
                }
            }

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
        };
        client.sendAsync(request.build(), info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromSubscriber(body)
                : HttpResponse.BodySubscribers.discarding()).whenComplete((response, failure) -> {
                    if (!running) {
                        return;
                    }
                    boolean refused = failure == null && response.statusCode() != 200;
                    subscriber.count(failure == null && !refused, failure != null, refused);
                    // Reopen as an EventSource would, from the last id seen (a failed one after 200 ms).
                    CompletableFuture.delayedExecutor(failure != null || refused ? 200 : 0, TimeUnit.MILLISECONDS)
                            .execute(() -> {
                                if (running) {
                                    openWithHttpClient(client, subscriber);
                                }
                            });
                });
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
        long rss = statusKb("VmRSS:");
        long hwm = statusKb("VmHWM:");
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

    /** A line of /proc/&lt;pid&gt;/status in kB, or -1. */
    static long statusKb(String field) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            System.err.println("cannot read /proc/" + pid + "/status: " + e);
        }
        return -1;
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
        String transport = opt("client", "nio");
        int loopCount = Math.max(1, Math.min(intOpt("io-threads", 1), subscribers));
        int maxInFlight = intOpt("max-in-flight", 64);
        int drain = intOpt("drain", 30);
        pid = Long.parseLong(opt("pid", "0"));
        metrics = opt("metrics", null);
        warmCount = (int) Math.round(rate * warmup);
        measuredCount = (int) Math.round(rate * duration);
        int total = warmCount + measuredCount;
        acks = new AtomicLongArray(total);
        sends = new AtomicLongArray(total);

        System.out.printf("Fan-out: %d subscribers of %s/api/admin/signals/stream (%s client, %d thread%s), %s signals/s"
                + " to /api/signal-endpoint/%s for %d s after a %d s warm-up%n", subscribers, base, transport,
                loopCount, loopCount == 1 ? "" : "s", trim(rate), endpoint, duration, warmup);

        Memory before = memory(true);

        // Subscribers, spread over io-threads selector threads (nio) or HttpClients (jdk; one selector thread each).
        List<NioLoop> loops = new ArrayList<>();
        List<Thread> loopThreads = new ArrayList<>();
        List<HttpClient> clients = new ArrayList<>();
        List<ExecutorService> executors = new ArrayList<>();
        URI uri = URI.create(base);
        for (int i = 0; i < loopCount; i++) {
            if (transport.equals("jdk")) {
                ExecutorService executor = Executors.newFixedThreadPool(2, daemon("sse-" + i));
                executors.add(executor);
                clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                        .connectTimeout(Duration.ofSeconds(30)).build());
            } else {
                NioLoop loop = new NioLoop(new InetSocketAddress(uri.getHost(), uri.getPort()));
                loops.add(loop);
                Thread thread = new Thread(loop, "sse-" + i);
                thread.setDaemon(true);
                thread.start();
                loopThreads.add(thread);
            }
        }
        opened = new CountDownLatch(subscribers);
        List<Subscriber> subs = new ArrayList<>();
        long openStart = System.nanoTime();
        for (int i = 0; i < subscribers; i++) {
            Subscriber s = new Subscriber(i, measuredCount);
            subs.add(s);
            if (transport.equals("jdk")) {
                openWithHttpClient(clients.get(i % loopCount), s);
            } else {
                loops.get(i % loopCount).open(s);
            }
            if (i % 50 == 49) {
                Thread.sleep(5); // no SYN storm
            }
        }
        if (!opened.await(120, TimeUnit.SECONDS)) {
            System.out.printf("  only %d of %d streams opened within 120 s%n", subscribers - opened.getCount(),
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
                long rss = statusKb("VmRSS:"); // /proc only: no metrics scrape on the service every half second
                synchronized (rssMax) {
                    rssMax[0] = Math.max(rssMax[0], rss);
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
        // The send phase lasts warm-up + duration whatever the service keeps up with: a slow service gets fewer signals,
        // and the achieved rate says so (not a run that goes on until the planned count is sent).
        long stopAt = start + (warmup + duration) * 1_000_000_000L;
        int sentTotal = total;
        for (int i = 0; i < total; i++) {
            if (System.nanoTime() > stopAt) {
                sentTotal = i;
                for (int unsent = i; unsent < total; unsent++) {
                    allAnswered.countDown();
                }
                break;
            }
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
        for (Flow.Subscription s : JDK_STREAMS) {
            s.cancel();
        }
        for (Thread t : loopThreads) {
            t.join(5000); // each closes its connections as it ends
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
        long missingUnbroken = 0; // in streams that were never reopened
        int shortUnbroken = 0;
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
                    if (s.ends + s.streamErrors == 0) {
                        shortUnbroken++;
                        missingUnbroken += acked - n;
                    }
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
                sentTotal, Math.max(0, sentTotal - warmCount), Math.max(0, sentTotal - warmCount) / window,
                acked + countAcked(0, warmCount), postErrors.sum(),
                errorKinds.isEmpty() ? "" : " " + errorKinds, stalls[0] > 0 ? ", sender stalled on " + maxInFlight
                        + " in flight " + stalls[0] + " times" : "");
        System.out.printf("  POST send→ack ms:      %s%n", postHist.summary());
        System.out.printf("  deliveries expected %d (%d acknowledged × %d subscribers), received %d, missing %d;"
                + " subscribers missing any: %d (worst: %d missing)%n", expected, acked, subscribers, got,
                expected - got, short_, worstMissing);
        System.out.printf("  duplicates %d; delivered without an acknowledgement %d; other data %d; drain %.1f s%n",
                duplicates, withoutAck, foreign, drainSeconds);
        System.out.printf("  streams ended by the service and reopened with Last-Event-ID: %d%s; missing in streams never"
                + " reopened: %d (%d subscribers)%n", ends, endedComments > 0 ? " (last words: " + endReasons + ")" : "",
                missingUnbroken, shortUnbroken);
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
