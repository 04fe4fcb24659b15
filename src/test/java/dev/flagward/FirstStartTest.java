package dev.flagward;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a fresh clone meets before the first answer of {@code ./mvnw quarkus:dev}. */
class FirstStartTest {

    /**
     * Quarkus asks once per machine whether to send build analytics, and dev mode waits 10 s for the answer. The
     * Maven plugin reads {@code quarkus.analytics.disabled} only as a system property of the Maven JVM (or the
     * environment variable QUARKUS_ANALYTICS_DISABLED), never from application.properties: .mvn/jvm.config gives it
     * to every ./mvnw run of this project, so the question is answered and never asked.
     */
    @Test
    void theBuildAnalyticsQuestionIsAnsweredForEveryMavenRun() throws Exception {
        List<String> options = List.of(Files.readString(Path.of(".mvn", "jvm.config")).strip().split("\\s+"));
        assertTrue(options.contains("-Dquarkus.analytics.disabled=true"), ".mvn/jvm.config holds " + options);
    }
}
