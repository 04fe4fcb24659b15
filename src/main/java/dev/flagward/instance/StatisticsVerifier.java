package dev.flagward.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagward.security.keys.Pem;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Verifies a statistics file (JSON or CSV, as downloaded) offline against the instance's public key: the JWS in
 * {@code signature} must be EdDSA, typed {@code statistics+jwt}, verify with the key, and its payload must say exactly
 * what the rest of the file says; {@code sum} must be Unleash's formula over the payload. {@code bin/statistics-verify}.
 */
public final class StatisticsVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Result(boolean valid, String message) {}

    private StatisticsVerifier() {
    }

    public static void main(String[] args) throws IOException {
        String file = null;
        String keyFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--key") && i + 1 < args.length) {
                keyFile = args[++i];
            } else if (file == null && !args[i].startsWith("--")) {
                file = args[i];
            } else {
                file = null;
                break;
            }
        }
        if (file == null || keyFile == null) {
            System.err.println("Usage: bin/statistics-verify FILE --key KEY.pem   (FILE: the statistics JSON or CSV)");
            System.exit(2);
        }
        Result result = verify(Files.readString(Path.of(file)), publicKey(Files.readString(Path.of(keyFile))));
        System.out.println((result.valid() ? "VALID: " : "INVALID: ") + result.message());
        System.exit(result.valid() ? 0 : 1);
    }

    /** The Ed25519 public key of a PEM file ({@code -----BEGIN PUBLIC KEY-----}), as the key endpoint gives it. */
    public static PublicKey publicKey(String pem) {
        try {
            return InstanceSigningKey.publicKey(Pem.decode(pem, "PUBLIC KEY"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The key file is not a PEM public key");
        }
    }

    public static Result verify(String document, PublicKey key) {
        Map<String, String> fields;
        try {
            fields = document.stripLeading().startsWith("{")
                    ? StatisticsFormat.flatten(JSON.readTree(document))
                    : csvRow(document);
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, "the file is neither statistics JSON nor CSV: " + e.getMessage());
        }
        String signature = fields.remove("signature");
        if (signature == null || signature.isEmpty()) {
            return new Result(false, "the file has no signature (the instance has no FLAGWARD_SECRETS_KEY?)");
        }
        JsonNode payload;
        String kid;
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                    AlgorithmIdentifiers.EDDSA));
            jws.setCompactSerialization(signature);
            jws.setKey(key);
            if (!StatisticsFormat.JWS_TYPE.equals(jws.getHeader("typ"))) {
                return new Result(false,
                        "the signature is not a statistics signature (typ " + jws.getHeader("typ") + ")");
            }
            if (!jws.verifySignature()) {
                return new Result(false, "the signature does not verify with this key");
            }
            kid = jws.getKeyIdHeaderValue();
            payload = JSON.readTree(jws.getPayload());
        } catch (JoseException | IOException e) {
            return new Result(false, "the signature cannot be read or verified: " + e.getMessage());
        }
        if (kid == null || !kid.equals(InstanceSigningKey.thumbprint(key))) {
            return new Result(false, "the signature names key " + kid + ", not this key");
        }
        Map<String, String> signed = StatisticsFormat.flatten(payload);
        if (!normalized(signed).equals(normalized(fields))) {
            return new Result(false, "the file's figures differ from the signed ones: " + difference(signed, fields));
        }
        if (!payload.path("sum").asText().equals(StatisticsFormat.sum((ObjectNode) payload))) {
            return new Result(false, "the sum is not Unleash's sum of the signed figures");
        }
        return new Result(true, "statistics of instance " + payload.path("instanceId").asText() + " at "
                + payload.path("timestamp").asText() + ", signed by key " + kid);
    }

    private static Map<String, String> csvRow(String document) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(document), CSVFormat.DEFAULT.builder()
                .setHeader().setSkipHeaderRecord(true).get())) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new IllegalArgumentException(
                        "expected a header row and one row, found " + records.size() + " rows");
            }
            return new LinkedHashMap<>(records.get(0).toMap());
        }
    }

    private static Map<String, String> normalized(Map<String, String> fields) {
        Map<String, String> out = new TreeMap<>();
        fields.forEach((name, value) -> out.put(name, StatisticsFormat.normalized(value)));
        return out;
    }

    private static String difference(Map<String, String> signed, Map<String, String> file) {
        for (String name : signed.keySet()) {
            if (!Objects.equals(StatisticsFormat.normalized(signed.get(name)),
                    StatisticsFormat.normalized(file.get(name)))) {
                return name + " is " + file.get(name) + " in the file, " + signed.get(name) + " when signed";
            }
        }
        for (String name : file.keySet()) {
            if (!signed.containsKey(name)) {
                return name + " is in the file but was not signed";
            }
        }
        return "field order";
    }
}
