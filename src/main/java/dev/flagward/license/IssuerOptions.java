package dev.flagward.license;

import dev.flagward.license.LicenseIssuer.UsageError;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one {@code bin/license-issuer} command, {@code --name value} or a flag {@code --name}, read as the
 * values they stand for. Every mistake is a {@link UsageError} that says what to give instead.
 */
final class IssuerOptions {

    private static final Set<String> FLAGS = Set.of("force", "dev");

    private final Map<String, String> values;

    private IssuerOptions(Map<String, String> values) {
        this.values = values;
    }

    /** The options after the command ({@code args[0]}); only those in {@code known} are accepted. */
    static IssuerOptions parse(String[] args, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name)) {
                throw new UsageError(name == null
                        ? "expected an option (--name), got '" + args[i] + "'"
                        : "--" + name + " is not an option of " + args[0]);
            }
            if (FLAGS.contains(name)) {
                values.put(name, "true");
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new UsageError("--" + name + " needs a value");
            }
        }
        return new IssuerOptions(values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value given, or null. */
    String get(String name) {
        return values.get(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String require(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new UsageError("missing --" + name);
        }
        return value;
    }

    /** {@code --alg}, if given. */
    Optional<SignatureAlgorithm> algorithm() {
        String name = values.get("alg");
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional
                    .of(SignatureAlgorithm.fromAlgorithm(name.toUpperCase(Locale.ROOT).replace("EDDSA", "EdDSA")));
        } catch (IllegalArgumentException e) {
            throw new UsageError("--alg must be RS256, ES256 or EDDSA, not " + name);
        }
    }

    Instant instant(String name) {
        try {
            return Instant.parse(values.get(name));
        } catch (DateTimeParseException e) {
            throw new UsageError("--" + name + " must be an RFC 3339 time in UTC, such as 2027-01-01T00:00:00Z");
        }
    }

    long number(String name, String fallback) {
        try {
            return Long.parseLong(get(name, fallback));
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " must be a whole number");
        }
    }

    /** A resource limit: a number, or null for {@code unlimited} (left out of the license). */
    Integer limit(String name, String fallback) {
        String value = get(name, fallback);
        if (value.equalsIgnoreCase("unlimited")) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " must be a number, or 'unlimited'");
        }
    }
}
