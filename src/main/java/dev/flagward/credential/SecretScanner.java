package dev.flagward.credential;

import dev.flagward.security.authentication.CredentialFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds Flagward secrets in files, offline ({@code bin/secret-scan PATH...}): the v2 shape by position ({@code v2_},
 * a 22-character selector, {@code _}, 43 characters, a 6-character checksum), and the prefix before it, kept only
 * when the checksum over prefix and body verifies. A string that fails the checksum is never printed. With
 * {@code --revoke URL} the secrets found are sent to {@code POST /api/admin/credentials/revoke-leaked}, with the admin
 * token from {@code FLAGWARD_ADMIN_TOKEN} or, with {@code --admin-token-stdin}, from standard input; never from the
 * command line, where {@code ps} and shell history would show it.
 */
public final class SecretScanner {

    /** The part after the prefix; base64url may contain '_' and '-', so the lengths do the parsing. */
    private static final Pattern TAIL = Pattern.compile("v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}[A-Za-z0-9]{6}");
    private static final int MAX_PREFIX = 210;
    private static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private SecretScanner() {
    }

    /** The verified secrets in a text, in order of appearance, each once. */
    public static List<String> scan(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher tail = TAIL.matcher(text);
        int from = 0;
        while (from < text.length() && tail.find(from)) {
            int start = tail.start();
            int end = tail.end();
            // The longest run of prefix characters before "v2_"; the real prefix is one of its suffixes (or empty).
            int runStart = start;
            while (runStart > 0 && start - runStart < MAX_PREFIX
                    && isPrefixChar(text.charAt(runStart - 1))) {
                runStart--;
            }
            String match = null;
            for (int prefixStart = runStart; prefixStart <= start && match == null; prefixStart++) {
                String candidate = text.substring(prefixStart, end);
                if (CredentialFormat.isV2Shaped(candidate) && CredentialFormat.checksumMatches(candidate)) {
                    match = candidate;
                }
            }
            if (match != null) {
                found.add(match);
                from = end;
            } else {
                from = start + 1;
            }
        }
        return new ArrayList<>(found);
    }

    /** Characters a prefix can hold: API token scopes ({@code project:environment.}, {@code *}, {@code []}), {@code user:}, {@code signal_}. */
    private static boolean isPrefixChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "_*[]:.-".indexOf(c) >= 0;
    }

    /** Every regular file under the paths (directories recursively), skipping very large ones. */
    public static List<String> scan(List<Path> paths) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        for (Path root : paths) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (Files.size(file) <= MAX_FILE_BYTES) {
                        // Secrets are ASCII: reading bytes as Latin-1 never fails, whatever the file holds.
                        found.addAll(scan(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)));
                    }
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** Where the admin token for {@code --revoke} comes from when {@code --admin-token-stdin} is not given. */
    static final String TOKEN_VARIABLE = "FLAGWARD_ADMIN_TOKEN";

    static final String USAGE = """
            Usage: bin/secret-scan PATH...                      prints each secret found, one per line
                   bin/secret-scan PATH... --revoke URL         revokes them (POST URL/api/admin/credentials/revoke-leaked)
                                                                with the admin token in FLAGWARD_ADMIN_TOKEN
                   bin/secret-scan PATH... --revoke URL --admin-token-stdin
                                                                the same, the admin token read from standard input
            The admin token is never taken from the command line: ps and shell history would show it.
            """;

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), System.getenv(), System.in, System.out, System.err));
    }

    /** The command line's work, with its environment and streams given, so tests run it in-process; the exit code. */
    static int run(List<String> args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        // Checked before anything else, wherever it stands; and never echoed, since what follows it is the token.
        if (args.stream().anyMatch(arg -> arg.equals("--admin-token") || arg.startsWith("--admin-token="))) {
            err.println("--admin-token is refused: a token on the command line is visible to every user of the "
                    + "machine (ps) and stays in shell history. Put it in " + TOKEN_VARIABLE
                    + ", or pipe it in with --admin-token-stdin.");
            err.print(USAGE);
            return 2;
        }
        List<Path> paths = new ArrayList<>();
        String revokeUrl = null;
        boolean tokenFromStdin = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--revoke" -> revokeUrl = i + 1 < args.size() ? args.get(++i) : null;
                case "--admin-token-stdin" -> tokenFromStdin = true;
                default -> paths.add(Path.of(arg));
            }
        }
        if (paths.isEmpty() || revokeUrl == null && (tokenFromStdin || args.contains("--revoke"))) {
            err.print(USAGE);
            return 2;
        }
        String adminToken = null;
        if (revokeUrl != null) {
            adminToken = tokenFromStdin ? firstLine(stdin) : env.get(TOKEN_VARIABLE);
            if (adminToken == null || adminToken.isBlank()) {
                err.println("--revoke needs an admin token: " + (tokenFromStdin
                        ? "standard input was empty."
                        : "set " + TOKEN_VARIABLE + ", or pipe it in with --admin-token-stdin."));
                err.print(USAGE);
                return 2;
            }
            adminToken = adminToken.strip();
        }
        List<String> secrets = scan(paths);
        if (revokeUrl == null) {
            secrets.forEach(out::println);
            return 0;
        }
        HttpClient http = HttpClient.newHttpClient();
        String endpoint = revokeUrl.replaceAll("/+$", "") + "/api/admin/credentials/revoke-leaked";
        for (int from = 0; from < secrets.size(); from += LeakedSecrets.MAX_SECRETS) {
            List<String> batch = secrets.subList(from, Math.min(secrets.size(), from + LeakedSecrets.MAX_SECRETS));
            StringBuilder body = new StringBuilder("{\"secrets\":[");
            for (int i = 0; i < batch.size(); i++) {
                body.append(i == 0 ? "" : ",").append('"').append(batch.get(i)).append('"');
            }
            body.append("]}");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .header("Authorization", adminToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println(batch.size() + " secrets sent: HTTP " + response.statusCode() + " " + response.body());
            if (response.statusCode() != 200) {
                return 1;
            }
        }
        if (secrets.isEmpty()) {
            out.println("no Flagward secrets found");
        }
        return 0;
    }

    private static String firstLine(InputStream stdin) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            return reader.readLine();
        }
    }
}
