package dev.flagward;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency rule of docs/design.md, read from the sources: the shared mechanisms ({@code security}, {@code web})
 * import no feature; {@code audit} imports only those; and a feature uses another feature only through its service
 * or through an interface (a port one of them owns), never through its repository, entity or resource.
 */
class DependencyRulesTest {

    private static final Path ROOT = Path.of("src/main/java/dev/flagward");
    private static final Set<String> SHARED = Set.of("security", "web");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.flagward\\.([a-z]+)\\.([A-Za-z]+)", Pattern.MULTILINE);

    @Test
    void featuresMeetOnlyThroughServicesAndPorts() throws Exception {
        List<String> violations = new ArrayList<>();
        int imports = 0;
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = ROOT.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // the root package (the clock)
                }
                String from = relative.getName(0).toString();
                Matcher m = IMPORT.matcher(read(file));
                while (m.find()) {
                    String to = m.group(1);
                    String type = m.group(2);
                    if (to.equals(from)) {
                        continue;
                    }
                    imports++;
                    String edge = relative + " imports " + to + "." + type;
                    if (SHARED.contains(from) && !SHARED.contains(to)) {
                        violations.add(edge + " (shared mechanisms import no feature)");
                    } else if (from.equals("audit") && !SHARED.contains(to)) {
                        violations.add(edge + " (audit uses only security and web)");
                    } else if (!SHARED.contains(to) && !to.equals("audit") && !type.endsWith("Service")
                            && !Class.forName("dev.flagward." + to + "." + type).isInterface()) {
                        violations.add(edge + " (another feature only through its service or a port)");
                    }
                }
            }
        }
        assertTrue(imports > 50, "read only " + imports + " imports");
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
