package dev.flagward.security.authentication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.security.authentication.CredentialSource.Channel;
import dev.flagward.security.keys.InstanceKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Which kind owns a presented secret, and what its selector is, decided without any lookup. */
class CredentialKindsTest {

    private final FakeSource api = new FakeSource("api", "", Channel.AUTHORIZATION_HEADER, true);
    private final FakeSource pat = new FakeSource("pat", "user:", Channel.AUTHORIZATION_HEADER, false);
    private final FakeSource signal = new FakeSource("signal", "signal_", Channel.OWN_ENDPOINT, false);
    private final InstanceKeys keys = new InstanceKeys("test", new byte[32]);
    private final CredentialKinds kinds = new CredentialKinds(List.of(api, pat, signal), keys);

    private static String damaged(String secret) {
        char last = secret.charAt(secret.length() - 1);
        return secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    @Test
    void mintedSecretsBelongToTheKindWithExactlyTheirPrefix() {
        for (FakeSource source : List.of(pat, signal)) {
            CredentialFormat.Minted minted = CredentialFormat.mint(source.prefix());
            CredentialKinds.Presented presented = kinds.identify(minted.secret());
            assertEquals(source.kind(), presented.kind());
            assertEquals(minted.selector(), presented.selector());
        }
        // API tokens scoped to projects whose names start like another kind's prefix stay API tokens.
        for (String prefix : List.of("user:development.", "signal_x:production.", "*:*.", "[]:development.")) {
            CredentialFormat.Minted minted = CredentialFormat.mint(prefix);
            assertEquals("api", kinds.identify(minted.secret()).kind(), prefix);
        }
    }

    /** Finding 2 and 7: a v2 shape with a failing checksum is refused without a lookup; other strings may be verbatim. */
    @Test
    void aV2ShapedSecretWithABadChecksumIsNeverVerbatimButOtherStringsWithV2AreLegacySecrets() {
        for (String prefix : List.of("*:*.", "default:development.", "user:", "signal_")) {
            assertNull(kinds.identify(damaged(CredentialFormat.mint(prefix).secret())), prefix);
        }
        for (String verbatim : List.of("*:*.legacy-secret", "default:development.my-v2_secret", "*:*.v2_short",
                "default:production.xv2_" + "a".repeat(70))) {
            CredentialKinds.Presented presented = kinds.identify(verbatim);
            assertNotNull(presented, verbatim);
            assertEquals("api", presented.kind());
            assertEquals(keys.legacyId(verbatim), presented.selector());
            assertTrue(presented.selector().startsWith(InstanceKeys.LEGACY_ID_PREFIX));
        }
        assertNull(kinds.identify("*:*." + "x".repeat(CredentialKinds.MAX_VERBATIM_LENGTH)));
        assertNull(kinds.identify(""));
    }

    @Test
    void kindsWithoutVerbatimSecretsTakeOnlyMintedOnes() {
        assertNull(kinds.identifyAs(pat, "user:some-password"));
        assertNotNull(kinds.identifyAs(api, "user:development.bootstrap-secret"));
    }
}
