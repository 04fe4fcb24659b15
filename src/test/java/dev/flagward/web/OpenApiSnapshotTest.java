package dev.flagward.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The published contract is committed beside the code (src/test/resources/openapi/flagward-openapi.json): the build
 * generates a typed client from it (openapi-generator, see GeneratedClientTest), and this test fails when the served
 * document differs from it, so a change of the contract is a reviewed change of that file. To accept a change:
 * {@code ./mvnw verify -Dflagward.openapi.write=true}, then review the file's diff.
 */
@QuarkusTest
class OpenApiSnapshotTest {

    static final Path SNAPSHOT = Path.of("src/test/resources/openapi/flagward-openapi.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theServedDocumentIsTheCommittedContract() throws Exception {
        JsonNode served = JSON
                .readTree(RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n";
        if (Boolean.getBoolean("flagward.openapi.write")) {
            Files.writeString(SNAPSHOT, pretty);
        }
        Files.writeString(Path.of("target", "openapi-served.json"), pretty);
        assertEquals(JSON.readTree(Files.readString(SNAPSHOT)), served,
                "The served /q/openapi differs from " + SNAPSHOT
                        + " (target/openapi-served.json has the served one). If the "
                        + "change is intended, run ./mvnw verify -Dflagward.openapi.write=true and review the diff.");
    }
}
