package dev.flagward.apitoken;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.authentication.CredentialFormat;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** FLAGWARD_EDGE_CLIENTS as read at start: a mistake stops start-up, and no message repeats a secret. */
class EdgeClientsTest {

    private static final String SECRET = "f8JLvyCj_RaNlW_m-fS7AIkJOpSJkdB3-Bg_Zm5ZyxQ";

    @Test
    void clientsAreReadFromTheirSetting() {
        Map<String, byte[]> clients = EdgeClients.parse(" a=" + SECRET + " ,b.c-d_e=" + SECRET + "=,");
        assertEquals(2, clients.size());
        assertEquals(32, clients.get("a").length);
        assertArrayEquals(clients.get("a"), clients.get("b.c-d_e"), "padding is allowed");
        assertTrue(EdgeClients.parse("").isEmpty());
        // Standard base64 of the same bytes is the same key (Node's base64url decoder takes both).
        assertArrayEquals(clients.get("a"),
                EdgeClients.parse("x=" + SECRET.replace('-', '+').replace('_', '/')).get("x"));
    }

    @Test
    void aMistakeStopsStartUpWithoutRepeatingTheSecret() {
        for (String bad : new String[]{"nosecret", "=" + SECRET, "sp ace=" + SECRET, "a=short",
                "a=" + SECRET + ",a=" + SECRET,
                "a=not*base64" + SECRET}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EdgeClients.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("FLAGWARD_EDGE_CLIENTS"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
    }

    @Test
    void anAssembledSecretIsAnOrdinaryCredentialOfItsSelector() {
        String selector = CredentialFormat.newSelector();
        byte[] bytes = new byte[32];
        bytes[0] = 7;
        CredentialFormat.Minted once = CredentialFormat.assemble("p:development.", selector, bytes);
        CredentialFormat.Minted again = CredentialFormat.assemble("p:development.", selector, bytes.clone());
        assertEquals(once.secret(), again.secret());
        assertEquals(selector, CredentialFormat.parse(once.secret()).selector());
        assertTrue(CredentialFormat.verifies(once.secret(), again.verifier()));
        assertThrows(IllegalArgumentException.class, () -> CredentialFormat.assemble("p:d.", "short", bytes));
        assertFalse(new EdgeClients(config(Optional.of("a=" + SECRET)), Clock.systemUTC()).toString().contains(SECRET));
    }

    private static EdgeConfig config(Optional<String> clients) {
        return new EdgeConfig() {

            @Override
            public Optional<String> clients() {
                return clients;
            }

            @Override
            public int maxIssuePairs() {
                return 100;
            }
        };
    }
}
