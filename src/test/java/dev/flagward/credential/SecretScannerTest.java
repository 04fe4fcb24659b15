package dev.flagward.credential;

import dev.flagward.security.CredentialFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/secret-scan's finder on a fixture tree with planted secrets, offline. */
class SecretScannerTest {

    @TempDir
    Path tree;

    @Test
    void findsEveryPlantedSecretAndNothingThatFailsTheChecksum() throws Exception {
        String api = CredentialFormat.mint("default:production.").secret();
        String admin = CredentialFormat.mint("*:*.").secret();
        String multi = CredentialFormat.mint("[]:development.").secret();
        String pat = CredentialFormat.mint("user:").secret();
        String signal = CredentialFormat.mint("signal_").secret();
        String good = CredentialFormat.mint("my_project-2:staging.").secret();
        // One character changed: the checksum fails, so it is not reported (a typo, or not ours).
        String broken = good.substring(0, good.length() - 10) + (good.charAt(good.length() - 10) == 'A' ? 'B' : 'A')
                + good.substring(good.length() - 9);

        Files.writeString(tree.resolve("app.env"), "UNLEASH_API_TOKEN=" + api + "\nOTHER=" + broken + "\n");
        Files.createDirectories(tree.resolve("deploy/k8s"));
        Files.writeString(tree.resolve("deploy/k8s/values.yaml"), "admin: \"" + admin + "\"\nmulti: '" + multi + "'\n");
        Files.writeString(tree.resolve("deploy/notes.md"), "curl -H 'Authorization: " + pat + "' https://x/api?sig=" + signal
                + "&z=1 and the same PAT again: " + pat);
        byte[] binary = ("\u0000\u0001PK" + good + "\u00ff\u0000").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(tree.resolve("deploy/blob.bin"), binary);
        Files.writeString(tree.resolve("decoy.txt"), "v2_" + "A".repeat(22) + "_" + "B".repeat(43) + "CCCCCC and user:v2_short");

        List<String> found = SecretScanner.scan(List.of(tree));
        assertEquals(Set.of(api, admin, multi, pat, signal, good), Set.copyOf(found), found.toString());
        assertEquals(6, found.size(), "each secret once");
        assertFalse(found.contains(broken));
        assertTrue(found.stream().allMatch(CredentialFormat::checksumMatches));
    }

    @Test
    void aSecretGluedToOtherTextIsFoundByItsChecksum() {
        String api = CredentialFormat.mint("default:development.").secret();
        // Prefix characters run on before the real prefix ("x.y" + prefix): the checksum picks the true start.
        assertEquals(List.of(api), SecretScanner.scan("token:x.y" + api + "\""));
        assertEquals(List.of(), SecretScanner.scan(api.substring(0, api.length() - 1) + "?"));
    }
}
