package dev.flagward.support;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events consumer that parses as the HTML standard says (what a browser's EventSource does): frames end
 * at an empty line, {@code :} starts a comment, fields are {@code id}, {@code event}, {@code data}, {@code retry};
 * anything else is recorded as an unknown field, which a standard parser would ignore and a test reports.
 */
public final class EventStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One frame as received; {@code data} is null when the frame had no data line. */
    public record Frame(String id, String event, String data, String retry, List<String> comments,
            List<String> unknown) {

        public boolean isSignal() {
            return data != null;
        }

        public long signalId() {
            return Long.parseLong(id);
        }
    }

    public final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<Frame> all = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream at {@code url} with these headers; the response is there to check its status and headers. */
    public static EventStream open(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            response.body().close();
        }
        return new EventStream(response);
    }

    private void read() {
        String id = null;
        String event = null;
        String retry = null;
        StringBuilder data = null;
        List<String> comments = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        boolean any = false;
        try {
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.isEmpty()) {
                    if (any) {
                        Frame frame = new Frame(id, event, data == null ? null : data.toString(), retry,
                                List.copyOf(comments),
                                List.copyOf(unknown));
                        all.add(frame);
                        frames.add(frame);
                    }
                    id = event = retry = null;
                    data = null;
                    comments.clear();
                    unknown.clear();
                    any = false;
                    continue;
                }
                any = true;
                if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> unknown.add(line);
                }
            }
        } catch (RuntimeException closed) {
            // the stream went away
        } finally {
            ended = true;
        }
    }

    /** The next frame within 5 s (heartbeats and the opening frame included). */
    public Frame next() throws InterruptedException {
        Frame frame = frames.poll(5, TimeUnit.SECONDS);
        assertNotNull(frame, "no frame within 5 s");
        return frame;
    }

    /** The next frame that carries a signal within 5 s, skipping comments and the opening frame. */
    public Frame nextSignal() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            assertNotNull(frame, "no signal within 5 s");
            if (frame.isSignal()) {
                return frame;
            }
        }
    }

    /** The next signal frame within 5 s, or null once the stream has ended with none left to take. */
    public Frame nextSignalOrEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean over = ended;
            Frame frame = frames.poll(20, TimeUnit.MILLISECONDS);
            if (frame != null && frame.isSignal()) {
                return frame;
            }
            if (frame == null && over) {
                return null;
            }
        }
        throw new AssertionError("no signal and no end within 5 s");
    }

    /** A signal frame already received and not yet taken, or null (no waiting). */
    public Frame pollSignal() {
        Frame frame;
        while ((frame = frames.poll()) != null) {
            if (frame.isSignal()) {
                return frame;
            }
        }
        return null;
    }

    /** Every frame received so far, taken or not. */
    public List<Frame> frames() {
        return List.copyOf(all);
    }

    /** True once the server ended the stream (or it was closed). */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        response.body().close();
    }
}
