package dev.flagward.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The served {@code /q/openapi} document as the contract every answer must keep (SPEC §2): the status must be one the
 * operation documents, a body must have a documented media type, and a JSON body must validate against the documented
 * schema (OpenAPI 3.1, JSON Schema 2020-12, {@code $ref}s resolved within the document). Requests to paths the
 * document does not have are not checked here (they test the 404 of unknown paths). A broken promise is an
 * {@link AssertionError} in the test that made the call.
 */
public final class Contract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, Contract> BY_BASE_URL = new ConcurrentHashMap<>();
    private static final AtomicInteger CHECKED = new AtomicInteger();
    private static final String DOCUMENT_URI = "https://contract.flagward.test/openapi.json";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (CHECKED.get() > 0) {
                String line = "Contract: " + CHECKED.get() + " exchanges checked against /q/openapi\n";
                System.out.print(line);
                try {
                    Files.writeString(Path.of("target", "contract-exchanges.log"), line, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    // a report only
                }
            }
        }));
    }

    private record Route(Pattern pattern, int parameters, String template, JsonNode item) {}

    private final JsonNode document;
    private final List<Route> routes = new ArrayList<>();
    private final SchemaRegistry schemas;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private Contract(String documentText) throws IOException {
        this.document = JSON.readTree(documentText);
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            String template = path.getKey();
            int parameters = 0;
            StringBuilder regex = new StringBuilder("^");
            for (String segment : template.split("/", -1)) {
                if (regex.length() > 1) {
                    regex.append('/');
                }
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    regex.append("[^/]+");
                    parameters++;
                } else {
                    regex.append(Pattern.quote(segment));
                }
            }
            routes.add(new Route(Pattern.compile(regex.append('$').toString()), parameters, template, path.getValue()));
        }
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(DOCUMENT_URI, documentText)));
    }

    /** The contract served at this base URL ({@code http://localhost:8081}), fetched once. */
    public static Contract of(String baseUrl) {
        return BY_BASE_URL.computeIfAbsent(baseUrl, url -> {
            try {
                HttpResponse<String> served = HTTP
                        .send(HttpRequest.newBuilder(URI.create(url + "/q/openapi?format=json"))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (served.statusCode() != 200) {
                    throw new AssertionError("GET /q/openapi answered " + served.statusCode());
                }
                return new Contract(served.body());
            } catch (IOException e) {
                throw new AssertionError("Cannot read /q/openapi at " + url, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    public JsonNode document() {
        return document;
    }

    /**
     * Checks one exchange. {@code rawPath} is the request path as sent (no query); {@code contentType} and {@code body}
     * are the response's (body empty when there is none).
     */
    public void check(String method, String rawPath, int status, String contentType, String body) {
        Route route = route(rawPath);
        String verb = method.toLowerCase(Locale.ROOT);
        if (route == null || !route.item().has(verb) || "head".equals(verb) || "options".equals(verb)) {
            return;
        }
        JsonNode operation = route.item().get(verb);
        String where = method + " " + route.template() + " (" + operation.path("operationId").asText() + ") answered "
                + status;
        String statusKey = operation.path("responses").has(String.valueOf(status)) ? String.valueOf(status) : "default";
        JsonNode response = operation.path("responses").get(statusKey);
        if (response == null) {
            throw new AssertionError(where + ", a status the document does not list: " + abbreviate(body));
        }
        CHECKED.incrementAndGet();
        JsonNode content = response.path("content");
        boolean hasBody = body != null && !body.isEmpty();
        if (!hasBody) {
            if (content.size() > 0 && status != 304 && status / 100 == 2 && !isStream(content)) {
                throw new AssertionError(
                        where + " without a body, but the document promises " + content.fieldNames().next());
            }
            return;
        }
        if (content.size() == 0) {
            throw new AssertionError(where + " with a body, but the document says there is none: " + abbreviate(body));
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        String documented = null;
        for (Iterator<String> names = content.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (name.equalsIgnoreCase(mediaType) || "*/*".equals(name)) {
                documented = name;
            }
        }
        if (documented == null) {
            throw new AssertionError(
                    where + " as " + mediaType + ", not a documented media type " + content.fieldNames().next());
        }
        if (!documented.endsWith("json") || !content.path(documented).has("schema")) {
            return;
        }
        String pointer = "/paths/" + escape(route.template()) + "/" + verb + "/responses/" + statusKey
                + "/content/" + escape(documented) + "/schema";
        Schema schema = compiled.computeIfAbsent(pointer, key -> schemas.getSchema(SchemaLocation.of(DOCUMENT_URI + "#"
                + key.replace("{", "%7B").replace("}", "%7D"))));
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(where + " with a body that is not JSON: " + abbreviate(body));
        }
        List<Error> errors = schema.validate(parsed);
        if (!errors.isEmpty()) {
            throw new AssertionError(where + " with a body that breaks its schema: " + errors.stream().limit(5).toList()
                    + " in " + abbreviate(body));
        }
    }

    private Route route(String rawPath) {
        Route best = null;
        for (Route route : routes) {
            if (route.pattern().matcher(rawPath).matches()
                    && (best == null || route.parameters() < best.parameters())) {
                best = route;
            }
        }
        return best;
    }

    private static boolean isStream(JsonNode content) {
        return content.has("text/event-stream");
    }

    /** RFC 6901: a JSON pointer token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 600 ? body.substring(0, 600) + "…" : body;
    }
}
