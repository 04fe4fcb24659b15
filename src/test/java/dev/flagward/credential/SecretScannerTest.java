package dev.flagward.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.flagward.security.authentication.CredentialFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** bin/secret-scan: its finder on a fixture tree with planted secrets, offline, and where --revoke takes its token. */
class SecretScannerTest {

    @TempDir
    Path tree;

    private HttpServer server;
    /** What the revoke endpoint received: the Authorization header and the body of each request. */
    private final List<Map.Entry<String, String>> received = new CopyOnWriteArrayList<>();

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
        Files.writeString(tree.resolve("deploy/notes.md"),
                "curl -H 'Authorization: " + pat + "' https://x/api?sig=" + signal
                        + "&z=1 and the same PAT again: " + pat);
        byte[] binary = ("\u0000\u0001PK" + good + "\u00ff\u0000").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(tree.resolve("deploy/blob.bin"), binary);
        Files.writeString(tree.resolve("decoy.txt"),
                "v2_" + "A".repeat(22) + "_" + "B".repeat(43) + "CCCCCC and user:v2_short");

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

    // ------------------------------------------------------------------ --revoke and the admin token

    private String revokeServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/admin/credentials/revoke-leaked", exchange -> {
            received.add(Map.entry(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = "{\"revoked\":1}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(Map<String, String> env, String stdin, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int exit = SecretScanner.run(List.of(args), env, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String plant() throws Exception {
        String leaked = CredentialFormat.mint("user:").secret();
        Files.writeString(tree.resolve("leak.txt"), "token=" + leaked + "\n");
        return leaked;
    }

    @Test
    void anAdminTokenOnTheCommandLineIsRefusedWithoutUsingIt() throws Exception {
        plant();
        String url = revokeServer();
        String token = "*:*.argv-admin-token";
        for (String[] args : List.of(new String[]{tree.toString(), "--revoke", url, "--admin-token", token},
                new String[]{tree.toString(), "--admin-token=" + token, "--revoke", url},
                new String[]{tree.toString(), "--revoke", "--admin-token", token})) {
            Run run = run(Map.of(SecretScanner.TOKEN_VARIABLE, "*:*.env-token"), "", args);
            assertEquals(2, run.exit(), run.err());
            assertTrue(run.err().contains("--admin-token is refused"), run.err());
            assertTrue(run.err().contains("FLAGWARD_ADMIN_TOKEN") && run.err().contains("--admin-token-stdin"),
                    run.err());
            assertFalse(run.err().contains(token) || run.out().contains(token), "the refusal repeats the token");
        }
        assertEquals(List.of(), received, "nothing was sent");
    }

    @Test
    void theAdminTokenComesFromTheEnvironment() throws Exception {
        String leaked = plant();
        Run run = run(Map.of(SecretScanner.TOKEN_VARIABLE, "*:*.env-token"), "", tree.toString(), "--revoke",
                revokeServer());
        assertEquals(0, run.exit(), run.err());
        assertEquals(1, received.size());
        assertEquals("*:*.env-token", received.get(0).getKey());
        assertEquals("{\"secrets\":[\"" + leaked + "\"]}", received.get(0).getValue());
        assertTrue(run.out().startsWith("1 secrets sent: HTTP 200"), run.out());
    }

    @Test
    void orFromStandardInputWhichWinsOverTheEnvironment() throws Exception {
        String leaked = plant();
        Run run = run(Map.of(SecretScanner.TOKEN_VARIABLE, "*:*.env-token"), "*:*.stdin-token\n",
                tree.toString(), "--revoke", revokeServer(), "--admin-token-stdin");
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of(Map.entry("*:*.stdin-token", "{\"secrets\":[\"" + leaked + "\"]}")), received);
    }

    @Test
    void revokingWithoutATokenSaysWhereToPutIt() throws Exception {
        plant();
        String url = revokeServer();
        Run none = run(Map.of(), "", tree.toString(), "--revoke", url);
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("set FLAGWARD_ADMIN_TOKEN"), none.err());
        Run emptyStdin = run(Map.of(), "", tree.toString(), "--revoke", url, "--admin-token-stdin");
        assertEquals(2, emptyStdin.exit());
        assertTrue(emptyStdin.err().contains("standard input was empty"), emptyStdin.err());
        // A token with nothing to revoke is a mistake in the command, not a scan.
        assertEquals(2, run(Map.of(), "*:*.t\n", tree.toString(), "--admin-token-stdin").exit());
        assertEquals(List.of(), received);
        // Without --revoke the environment is not needed, and the scan prints what it found.
        Run scan = run(Map.of(), "", tree.toString());
        assertEquals(0, scan.exit());
        assertTrue(scan.out().startsWith("user:v2_"), scan.out());
    }
}
