package dev.flagward.security.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The last-use announcements other replicas read: every use survives the round trip, no payload exceeds PostgreSQL's limit. */
class SeenAtWriterTest {

    @Test
    void aLargeBatchIsSplitUnderThePayloadLimitAndReadBackExactly() {
        Map<String, Instant> batch = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            batch.put(CredentialFormat.mint("*:development.").selector(),
                    Instant.ofEpochSecond(1_700_000_000L + i, 123_456_000L));
        }
        batch.put("legacy-" + "a".repeat(40), Instant.parse("1970-01-01T00:00:00Z"));
        batch.put("before-1970-selector", Instant.parse("1969-12-31T23:59:59.999999Z"));
        List<String> payloads = SeenAtWriter.encode(batch);
        assertTrue(payloads.size() > 20, "5000 uses cannot fit one notification: " + payloads.size());
        Map<String, Instant> read = new HashMap<>();
        for (String payload : payloads) {
            assertTrue(payload.getBytes(StandardCharsets.UTF_8).length < 8000, "payload of " + payload.length());
            SeenAtWriter.decode(payload, read::put);
        }
        assertEquals(batch, read);
    }

    @Test
    void damagedItemsAreSkippedAndTheRestRead() {
        Map<String, Instant> read = new HashMap<>();
        SeenAtWriter.decode("good 1000000,nospace,bad x12,, 5,also-good 2500000,huge 99999999999999999999999",
                read::put);
        assertEquals(Map.of("good", Instant.ofEpochSecond(1), "also-good", Instant.ofEpochSecond(2, 500_000_000)),
                read);
    }

    @Test
    void anEmptyBatchAnnouncesNothing() {
        assertEquals(List.of(), SeenAtWriter.encode(Map.of()));
    }
}
