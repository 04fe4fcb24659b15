package dev.flagward.license;

import dev.flagward.security.keys.Pem;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes vendor key pairs and signs licenses (SPEC §7.5), with smallrye-jwt-build. For the vendor and for tests:
 *
 * <pre>
 * bin/license-issuer keygen --alg RS256 --kid vendor-1 --out keys
 * bin/license-issuer sign --key keys/vendor-1.private.pem --kid vendor-1 --customer "Acme" \
 *     --plan Enterprise --type Enterprise --seats 50 --read-only-users 100 --edge-instances 5 --days 365
 * bin/license-issuer sign --dev --customer Me --seats 10 --days 30      # for dev mode only
 * </pre>
 *
 * The public key goes to the instance (FLAGWARD_LICENSE_PUBLIC_KEYS=vendor-1=keys/vendor-1.public.pem); the private
 * key never leaves the vendor. {@code --dev} signs with {@link DevLicenseKey}, which only dev mode trusts.
 */
public final class LicenseIssuer {

    private LicenseIssuer() {
    }

    /**
     * What a license says. {@code issuer} must match the instance's FLAGWARD_LICENSE_ISSUER. A null resource is left
     * out of the license: no limit.
     */
    public record Claims(String issuer, String customer, String type, String plan, String instanceName, String instanceId,
                         Integer seats, Integer releaseTemplates, Integer edgeInstances, Integer readOnlyUsers, Instant issuedAt,
                         Instant expiresAt) {

        public static Claims standard(String customer, int seats, int readOnlyUsers, Duration validFor) {
            Instant now = Instant.now();
            return new Claims("flagward", customer, "Enterprise", "Enterprise", customer + " instance", null, seats, 10, 5,
                    readOnlyUsers, now, now.plus(validFor));
        }

        public Claims withSeats(Integer newSeats, Integer newReadOnlyUsers) {
            return new Claims(issuer, customer, type, plan, instanceName, instanceId, newSeats, releaseTemplates,
                    edgeInstances, newReadOnlyUsers, issuedAt, expiresAt);
        }

        public Claims withTimes(Instant newIssuedAt, Instant newExpiresAt) {
            return new Claims(issuer, customer, type, plan, instanceName, instanceId, seats, releaseTemplates,
                    edgeInstances, readOnlyUsers, newIssuedAt, newExpiresAt);
        }

        public Claims withIssuer(String newIssuer) {
            return new Claims(newIssuer, customer, type, plan, instanceName, instanceId, seats, releaseTemplates,
                    edgeInstances, readOnlyUsers, issuedAt, expiresAt);
        }

        public Claims withInstanceId(String newInstanceId) {
            return new Claims(issuer, customer, type, plan, instanceName, newInstanceId, seats, releaseTemplates,
                    edgeInstances, readOnlyUsers, issuedAt, expiresAt);
        }
    }

    public static String sign(PrivateKey key, String kid, SignatureAlgorithm algorithm, Claims claims) {
        Map<String, Object> resources = new LinkedHashMap<>();
        putIfPresent(resources, "seats", claims.seats());
        putIfPresent(resources, "releaseTemplates", claims.releaseTemplates());
        putIfPresent(resources, "edgeInstances", claims.edgeInstances());
        putIfPresent(resources, "readOnlyUsers", claims.readOnlyUsers());
        JwtClaimsBuilder builder = Jwt.claims()
                .issuer(claims.issuer())
                .subject(claims.customer())
                .issuedAt(claims.issuedAt().getEpochSecond())
                .expiresAt(claims.expiresAt().getEpochSecond())
                .claim("customer", claims.customer())
                .claim("resources", resources);
        putIfPresent(builder, "type", claims.type());
        putIfPresent(builder, "plan", claims.plan());
        putIfPresent(builder, "instanceName", claims.instanceName());
        putIfPresent(builder, "instanceId", claims.instanceId());
        return builder.jws().keyId(kid).header("typ", LicenseVerifier.TYPE).algorithm(algorithm).sign(key);
    }

    private static void putIfPresent(Map<String, Object> resources, String name, Integer limit) {
        if (limit != null) {
            resources.put(name, limit);
        }
    }

    private static void putIfPresent(JwtClaimsBuilder builder, String claim, String value) {
        if (value != null) {
            builder.claim(claim, value);
        }
    }

    public static KeyPair generate(SignatureAlgorithm algorithm) {
        try {
            if (algorithm == SignatureAlgorithm.RS256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072);
                return generator.generateKeyPair();
            }
            if (algorithm == SignatureAlgorithm.ES256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            if (algorithm == SignatureAlgorithm.EDDSA) {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("Supported algorithms: RS256, ES256, EDDSA");
    }

    public static PrivateKey readPrivateKey(String pem) {
        byte[] der = Pem.decode(pem, "PRIVATE KEY");
        for (String type : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisType) {
                // next
            }
        }
        throw new IllegalArgumentException("Not an RSA, EC or Ed25519 PKCS#8 private key");
    }

    private static final String USAGE = """
            usage: license-issuer keygen --alg RS256|ES256|EDDSA --kid KID --out DIR [--force]
                   license-issuer sign (--key PRIVATE.pem --kid KID | --dev) --customer NAME [--alg RS256|ES256|EDDSA]
                                       [--issuer flagward] [--type T] [--plan P] [--instance-name N] [--instance-id ID]
                                       [--seats N] [--read-only-users N] [--edge-instances N] [--release-templates N]
                                       (each limit: a number, or 'unlimited' to leave it out of the license)
                                       [--days 365 | --expires-at 2027-01-01T00:00:00Z] [--issued-at ISO]
              keygen writes KID.private.pem (mode 0600) and KID.public.pem; it never replaces existing key files
                     unless --force is given.
              sign --dev signs with Flagward's dev-only key (src/dev-only/license), which only dev mode
                     (./mvnw quarkus:dev) trusts. --alg defaults to the key's own algorithm.""";
    private static final Set<String> FLAGS = Set.of("force", "dev");
    private static final Set<String> KEYGEN_OPTIONS = Set.of("alg", "kid", "out", "force");
    private static final Set<String> SIGN_OPTIONS = Set.of("key", "kid", "alg", "dev", "customer", "issuer", "type", "plan",
            "instance-name", "instance-id", "seats", "read-only-users", "edge-instances", "release-templates", "days",
            "expires-at", "issued-at");

    /** A mistake in the command line: its message says what to do; exit status 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    /** Something the command refuses to do (overwrite a key, find a missing file): exit status 1. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The command line without {@code System.exit}: 0 done, 1 refused (an existing key file, a missing key), 2 a
     * usage mistake. Results go to {@code out} (the license, the key setting), explanations to {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0 || !(args[0].equals("keygen") || args[0].equals("sign"))) {
                throw new UsageError(args.length == 0 ? "a command is needed: keygen or sign" : "unknown command " + args[0]);
            }
            Map<String, String> options = options(args, args[0].equals("keygen") ? KEYGEN_OPTIONS : SIGN_OPTIONS);
            if (args[0].equals("keygen")) {
                keygen(options, out, err);
            } else {
                out.println(sign(options, err));
            }
            return 0;
        } catch (UsageError e) {
            err.println("license-issuer: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (Refused e) {
            err.println("license-issuer: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("license-issuer: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> options(String[] args, Set<String> known) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name)) {
                throw new UsageError(name == null ? "expected an option (--name), got '" + args[i] + "'"
                        : "--" + name + " is not an option of " + args[0]);
            }
            if (FLAGS.contains(name)) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new UsageError("--" + name + " needs a value");
            }
        }
        return options;
    }

    private static SignatureAlgorithm algorithm(String name) {
        try {
            return SignatureAlgorithm.fromAlgorithm(name.toUpperCase(Locale.ROOT).replace("EDDSA", "EdDSA"));
        } catch (IllegalArgumentException e) {
            throw new UsageError("--alg must be RS256, ES256 or EDDSA, not " + name);
        }
    }

    private static void keygen(Map<String, String> options, PrintStream out, PrintStream err) throws IOException {
        SignatureAlgorithm algorithm = algorithm(options.getOrDefault("alg", "RS256"));
        if (algorithm != SignatureAlgorithm.RS256 && algorithm != SignatureAlgorithm.ES256 && algorithm != SignatureAlgorithm.EDDSA) {
            throw new UsageError("--alg must be RS256, ES256 or EDDSA, not " + options.get("alg"));
        }
        String kid = require(options, "kid");
        if (!kid.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new UsageError("--kid may hold letters, digits, '.', '_' and '-' (at most 64): it names the key files");
        }
        boolean force = options.containsKey("force");
        Path dir = Path.of(options.getOrDefault("out", "."));
        Path privateKey = dir.resolve(kid + ".private.pem");
        Path publicKey = dir.resolve(kid + ".public.pem");
        for (Path existing : List.of(privateKey, publicKey)) {
            if (!force && Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(existing + " already exists, and keygen never replaces a key without --force: licenses "
                        + "signed with the old key stop verifying wherever its public key is configured. Choose another "
                        + "--kid or --out, or add --force to replace both files.");
            }
        }
        Files.createDirectories(dir);
        KeyPair pair = generate(algorithm);
        writeNew(privateKey, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), true, force);
        writeNew(publicKey, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()), false, force);
        err.println("Wrote " + privateKey + " (readable by you alone: keep it secret, never commit it) and " + publicKey);
        out.println("FLAGWARD_LICENSE_PUBLIC_KEYS=" + kid + "=" + publicKey.toAbsolutePath());
    }

    /**
     * Creates the file anew (replacing what is there only when forced): a private key is created with mode 0600, so
     * it is never readable by others, not even for a moment, whatever the umask.
     */
    static void writeNew(Path file, String text, boolean secret, boolean replace) throws IOException {
        if (replace) {
            Files.deleteIfExists(file);
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = secret && posix
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (FileAlreadyExistsException e) {
            throw new Refused(file + " already exists (created meanwhile); nothing was replaced.");
        }
    }

    private static String sign(Map<String, String> options, PrintStream err) throws IOException {
        boolean dev = options.containsKey("dev");
        String kid;
        Path keyFile;
        if (dev) {
            if (options.containsKey("key")) {
                throw new UsageError("--dev signs with the dev-only key; give either --dev or --key, not both");
            }
            kid = options.getOrDefault("kid", DevLicenseKey.KID);
            if (!kid.equals(DevLicenseKey.KID)) {
                throw new UsageError("--dev signs with the key " + DevLicenseKey.KID + "; leave --kid out");
            }
            keyFile = DevLicenseKey.privateKeyFile();
            if (!Files.isRegularFile(keyFile)) {
                throw new Refused("the dev-only key " + keyFile + " is not there: --dev works in a clone of the Flagward "
                        + "repository (bin/license-issuer passes its directory).");
            }
        } else {
            keyFile = Path.of(require(options, "key"));
            kid = require(options, "kid");
            if (!Files.isRegularFile(keyFile)) {
                throw new Refused(keyFile + " is not there: --key takes the private key file keygen wrote "
                        + "(DIR/KID.private.pem), or use --dev for dev mode.");
            }
        }
        PrivateKey key;
        try {
            key = readPrivateKey(Files.readString(keyFile));
        } catch (IllegalArgumentException e) {
            throw new Refused(keyFile + " is not a PEM private key (PKCS#8, RSA, P-256 or Ed25519): " + e.getMessage());
        }
        SignatureAlgorithm algorithm = algorithmOf(key);
        if (options.containsKey("alg") && algorithm(options.get("alg")) != algorithm) {
            throw new UsageError(keyFile + " is a " + key.getAlgorithm() + " key: it signs " + algorithm.getAlgorithm()
                    + ", not " + options.get("alg") + " (leave --alg out to use the key's own)");
        }
        Instant issuedAt = options.containsKey("issued-at") ? instant(options, "issued-at") : Instant.now();
        Instant expiresAt = options.containsKey("expires-at") ? instant(options, "expires-at")
                : issuedAt.plus(Duration.ofDays(number(options, "days", "365")));
        Claims claims = new Claims(options.getOrDefault("issuer", "flagward"), require(options, "customer"),
                options.getOrDefault("type", "Enterprise"), options.getOrDefault("plan", "Enterprise"),
                options.get("instance-name"), options.get("instance-id"),
                limit(options, "seats", "10"), limit(options, "release-templates", "10"),
                limit(options, "edge-instances", "5"), limit(options, "read-only-users", "10"),
                issuedAt, expiresAt);
        if (dev) {
            err.println("Signed with the dev-only key " + DevLicenseKey.KID + ": only dev mode (./mvnw quarkus:dev) trusts it.");
        }
        return sign(key, kid, algorithm, claims);
    }

    /** The one algorithm a key signs with, as the key ring decides it on the instance. */
    static SignatureAlgorithm algorithmOf(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> SignatureAlgorithm.RS256;
            case "EC" -> SignatureAlgorithm.ES256;
            case "EdDSA", "Ed25519" -> SignatureAlgorithm.EDDSA;
            default -> throw new Refused("a " + key.getAlgorithm() + " key cannot sign a license");
        };
    }

    private static Instant instant(Map<String, String> options, String name) {
        try {
            return Instant.parse(options.get(name));
        } catch (DateTimeParseException e) {
            throw new UsageError("--" + name + " must be an RFC 3339 time in UTC, such as 2027-01-01T00:00:00Z");
        }
    }

    private static long number(Map<String, String> options, String name, String fallback) {
        try {
            return Long.parseLong(options.getOrDefault(name, fallback));
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " must be a whole number");
        }
    }

    private static Integer limit(Map<String, String> options, String name, String fallback) {
        String value = options.getOrDefault(name, fallback);
        if (value.equalsIgnoreCase("unlimited")) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new UsageError("--" + name + " must be a number, or 'unlimited'");
        }
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new UsageError("missing --" + name);
        }
        return value;
    }
}
