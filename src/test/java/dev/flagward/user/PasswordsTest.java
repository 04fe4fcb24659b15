package dev.flagward.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Password hashing and the settings around it. */
class PasswordsTest {

    /** The dummy hash stands in for an unknown user's: it must cost exactly what a real password hash costs. */
    @Test
    void theDummyHashHasTheCostAndFormOfARealHash() {
        String real = BcryptUtil.bcryptHash(Passwords.randomPassword());
        assertEquals(real.substring(0, 7), Passwords.DUMMY_HASH.substring(0, 7), "algorithm and cost differ");
        assertEquals(real.length(), Passwords.DUMMY_HASH.length());
        assertFalse(BcryptUtil.matches("", Passwords.DUMMY_HASH));
        assertFalse(BcryptUtil.matches(Passwords.randomPassword(), Passwords.DUMMY_HASH));
    }

    @Test
    void theConfiguredCostAppliesToNewHashesAndToTheDummy() {
        Vertx vertx = Vertx.vertx();
        try {
            Passwords passwords = new Passwords(vertx, 5);
            String hash = passwords.hash("a-long-password").await().atMost(Duration.ofSeconds(10));
            assertTrue(hash.startsWith("$2a$05$"), hash.substring(0, 7));
            assertTrue(passwords.matches("a-long-password", hash).await().atMost(Duration.ofSeconds(10)));
            assertFalse(passwords.matches("a-long-password", null).await().atMost(Duration.ofSeconds(10)));
            assertTrue(passwords.dummyHash().startsWith("$2a$05$"), "the unknown-user stand-in must cost the same");
            assertEquals(Passwords.DUMMY_HASH, new Passwords(vertx, 10).dummyHash());
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static SmallRyeConfig config(String profile, Map<String, String> environment) throws Exception {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(
                        Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                .withSources(new EnvConfigSource(environment, 300))
                // Quarkus reads durations like "48h"; plain SmallRye only ISO-8601.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(UserConfig.class)
                .build();
    }

    /** Finding 6 of the security review: Secure by default in production, off in dev and test, and the setting wins. */
    @Test
    void theSessionCookieIsSecureInProductionUnlessConfiguredOtherwise() throws Exception {
        assertTrue(config("prod", Map.of()).getConfigMapping(UserConfig.class).secureCookie());
        assertFalse(config("dev", Map.of()).getConfigMapping(UserConfig.class).secureCookie());
        assertFalse(config("test", Map.of()).getConfigMapping(UserConfig.class).secureCookie());
        assertFalse(config("prod", Map.of("FLAGWARD_USERS_SECURE_COOKIE", "false")).getConfigMapping(UserConfig.class)
                .secureCookie());
        assertTrue(config("dev", Map.of("FLAGWARD_USERS_SECURE_COOKIE", "true")).getConfigMapping(UserConfig.class)
                .secureCookie());
        assertEquals(10, config("prod", Map.of()).getConfigMapping(UserConfig.class).bcryptCost());
        assertEquals(12, config("prod", Map.of("FLAGWARD_USERS_BCRYPT_COST", "12")).getConfigMapping(UserConfig.class)
                .bcryptCost());
        assertThrows(RuntimeException.class, () -> config("prod", Map.of("FLAGWARD_USERS_BCRYPT_COST", "3")));
    }
}
