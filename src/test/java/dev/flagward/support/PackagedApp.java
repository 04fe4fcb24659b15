package dev.flagward.support;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The packaged jar as an operator runs it: one process, its own port and log, pointed at a PostgreSQL. */
public record PackagedApp(String name, Process process, int port, int managementPort, Path log) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static PackagedApp start(String name, int postgresPort, Map<String, String> extraEnv) throws IOException {
        int port = freePort();
        Path log = Path.of("target", "packaged-" + name + ".log");
        String jar = System.getProperty("flagward.app.jar", "target/quarkus-app/quarkus-run.jar");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar);
        Map<String, String> env = builder.environment();
        int managementPort = freePort();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://127.0.0.1:" + postgresPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.putAll(extraEnv);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new PackagedApp(name, builder.start(), port, managementPort, log);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Polls /ready (no fixed sleep beyond a short back-off) until 200, or fails with the log. */
    public void awaitReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited: " + Files.readString(log));
            }
            try {
                if (call("GET", "/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " was not ready within " + limit);
    }

    public HttpResponse<String> call(String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // The packaged application keeps the contract it publishes, as the tests in the build do.
        Contract.of("http://127.0.0.1:" + port).check(method, URI.create(url(path)).getRawPath(), response.statusCode(),
                response.headers().firstValue("content-type").orElse(null), response.body());
        return response;
    }

    public void stop() {
        process.destroyForcibly();
    }
}
