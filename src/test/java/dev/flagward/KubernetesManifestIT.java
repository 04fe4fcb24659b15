package dev.flagward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The generated target/kubernetes/kubernetes.yml (written by ./mvnw package), read as Kubernetes would read it. */
class KubernetesManifestIT {

    private static final Map<String, JsonNode> byKind = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        Path manifest = Path.of("target", "kubernetes", "kubernetes.yml");
        assertTrue(Files.exists(manifest), "package writes " + manifest);
        YAMLMapper yaml = new YAMLMapper();
        try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class)
                .readValues(new YAMLFactory().createParser(manifest.toFile()))) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.has("kind")) {
                    assertFalse(byKind.containsKey(document.get("kind").asText()), "one " + document.get("kind"));
                    byKind.put(document.get("kind").asText(), document);
                }
            }
        }
    }

    private static JsonNode container() {
        return byKind.get("Deployment").at("/spec/template/spec/containers/0");
    }

    @Test
    void onlyTheObjectsWeKeep() {
        // No Flyway init Job, RBAC objects or ServiceMonitor: migrations run at start under Flyway's lock.
        assertEquals(Set.of("Deployment", "Service", "PodDisruptionBudget"), byKind.keySet());
    }

    @Test
    void probesUseTheQuarkusHealthEndpointsOnTheManagementPort() {
        JsonNode c = container();
        assertEquals("/q/health/started", c.at("/startupProbe/httpGet/path").asText());
        assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals(9000, c.at("/" + probe + "/httpGet/port").asInt(), probe);
        }
        List<String> ports = new ArrayList<>();
        c.get("ports").forEach(p -> ports.add(p.get("name").asText() + ":" + p.get("containerPort").asInt()));
        assertEquals(Set.of("http:8080", "management:9000"), Set.copyOf(ports), ports.toString());
        // The Service exposes the API only; metrics are scraped from the pod's management port.
        JsonNode service = byKind.get("Service");
        assertEquals(1, service.at("/spec/ports").size());
        assertEquals(8080, service.at("/spec/ports/0/targetPort").asInt());
        assertEquals("9000",
                byKind.get("Deployment").at("/spec/template/metadata/annotations/prometheus.io~1port").asText());
    }

    @Test
    void secretsComeFromSecrets() {
        List<String> secrets = new ArrayList<>();
        container().get("envFrom").forEach(e -> secrets.add(e.at("/secretRef/name").asText()));
        assertTrue(secrets.containsAll(List.of("flagward-db", "flagward-keys")), secrets.toString());
        // No secret value is written into the manifest itself.
        container().get("env").forEach(e -> assertFalse(e.get("name").asText().matches(
                "QUARKUS_DATASOURCE_.*|FLAGWARD_SECRETS_KEY|UNLEASH_LICENSE|INIT_.*"), e.toString()));
    }

    @Test
    void resourcesMatchTheDocumentedJvmSettings() throws Exception {
        JsonNode c = container();
        assertEquals("384Mi", c.at("/resources/requests/memory").asText());
        assertEquals("384Mi", c.at("/resources/limits/memory").asText());
        assertTrue(c.at("/resources/requests/cpu").isTextual());
        Map<String, String> env = new HashMap<>();
        c.get("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
        String documented = Files.readString(Path.of("docs", "operations.md"));
        for (String flag : env.get("JAVA_OPTS_APPEND").split("\\s+")) {
            if (flag.startsWith("-X")) {
                assertTrue(documented.contains(flag), flag + " is documented in docs/operations.md");
            }
        }
        assertTrue(env.get("JAVA_OPTS_APPEND").contains("-Xmx112m"));
    }

    @Test
    void twoReplicasRolledOneAtATimeWithADisruptionBudget() {
        JsonNode spec = byKind.get("Deployment").get("spec");
        assertEquals(2, spec.get("replicas").asInt());
        assertEquals("RollingUpdate", spec.at("/strategy/type").asText());
        assertEquals("0", spec.at("/strategy/rollingUpdate/maxUnavailable").asText());
        JsonNode pdb = byKind.get("PodDisruptionBudget");
        assertEquals(1, pdb.at("/spec/minAvailable").asInt());
        // The budget's selector picks the Deployment's pods.
        JsonNode podLabels = byKind.get("Deployment").at("/spec/template/metadata/labels");
        pdb.at("/spec/selector/matchLabels").fields().forEachRemaining(label -> assertEquals(label.getValue().asText(),
                podLabels.path(label.getKey()).asText(), label.getKey()));
    }
}
