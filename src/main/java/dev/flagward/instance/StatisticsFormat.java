package dev.flagward.instance;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The written forms of instance statistics, shared by the service and the offline verifier
 * ({@code bin/statistics-verify}): Unleash's {@code sum}, and the CSV row with nested objects and lists flattened to
 * dotted columns ({@code apiTokens.backend}, {@code edgeInstanceUsage.2026-11}, {@code clientApps.0.count}).
 */
public final class StatisticsFormat {

    public static final String JWS_TYPE = "statistics+jwt";

    private StatisticsFormat() {
    }

    /**
     * Unleash's tamper check, exactly as unleash-server computes it: hex SHA-256 of instanceId, users,
     * featureToggles, projects, roles, groups, environments and segments written one after the other. Anyone can
     * recompute it; the {@code signature} is the seal.
     */
    public static String sum(JsonNode stats) {
        StringBuilder data = new StringBuilder();
        for (String field : new String[]{"instanceId", "users", "featureToggles", "projects", "roles", "groups",
                "environments", "segments"}) {
            JsonNode value = stats.get(field);
            data.append(value == null || value.isNull() ? "undefined" : value.asText());
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Field → text, nested objects and lists as dotted names ({@code clientApps.0.range}), in the document's order. */
    public static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        node.fields().forEachRemaining(entry -> flattenValue(prefix + entry.getKey(), entry.getValue(), out));
    }

    private static void flattenValue(String name, JsonNode value, Map<String, String> out) {
        if (value.isObject()) {
            flatten(name + ".", value, out);
        } else if (value.isArray()) {
            // By position: a list's entries would otherwise have no column of their own, and go unsealed in the CSV.
            for (int i = 0; i < value.size(); i++) {
                flattenValue(name + "." + i, value.get(i), out);
            }
        } else {
            out.put(name, value.isNull() ? "" : value.asText());
        }
    }

    /** A header row and one row. */
    public static String csv(JsonNode stats) {
        Map<String, String> flat = flatten(stats);
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT)) {
            printer.printRecord(flat.keySet());
            printer.printRecord(flat.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A value as compared by the verifier: numbers by value (2.50 = 2.5), everything else as written. */
    static String normalized(String value) {
        if (value != null && value.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        }
        return value;
    }
}
