package dev.flagward.license;

import dev.flagward.license.LicenseSigner.Claims;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The vendor's command-line tool: makes key pairs ({@link VendorKeys}) and signs licenses ({@link LicenseSigner})
 * (SPEC §7.5). For the vendor and for tests:
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
    private static final Set<String> KEYGEN_OPTIONS = Set.of("alg", "kid", "out", "force");
    private static final Set<String> SIGN_OPTIONS = Set.of("key", "kid", "alg", "dev", "customer", "issuer", "type",
            "plan",
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
                throw new UsageError(
                        args.length == 0 ? "a command is needed: keygen or sign" : "unknown command " + args[0]);
            }
            IssuerOptions options = IssuerOptions.parse(args, args[0].equals("keygen") ? KEYGEN_OPTIONS : SIGN_OPTIONS);
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
        } catch (Refused | IOException | UncheckedIOException e) {
            err.println("license-issuer: " + e.getMessage());
            return 1;
        }
    }

    private static void keygen(IssuerOptions options, PrintStream out, PrintStream err) throws IOException {
        SignatureAlgorithm algorithm = options.algorithm().orElse(SignatureAlgorithm.RS256);
        if (algorithm != SignatureAlgorithm.RS256 && algorithm != SignatureAlgorithm.ES256
                && algorithm != SignatureAlgorithm.EDDSA) {
            throw new UsageError("--alg must be RS256, ES256 or EDDSA, not " + options.get("alg"));
        }
        String kid = options.require("kid");
        if (!kid.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new UsageError(
                    "--kid may hold letters, digits, '.', '_' and '-' (at most 64): it names the key files");
        }
        boolean force = options.has("force");
        Path dir = Path.of(options.get("out", "."));
        Path privateKey = dir.resolve(kid + ".private.pem");
        Path publicKey = dir.resolve(kid + ".public.pem");
        for (Path existing : List.of(privateKey, publicKey)) {
            if (!force && Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(existing
                        + " already exists, and keygen never replaces a key without --force: licenses "
                        + "signed with the old key stop verifying wherever its public key is configured. Choose another "
                        + "--kid or --out, or add --force to replace both files.");
            }
        }
        Files.createDirectories(dir);
        KeyPair pair = VendorKeys.generate(algorithm);
        VendorKeys.write(pair, privateKey, publicKey, force);
        err.println(
                "Wrote " + privateKey + " (readable by you alone: keep it secret, never commit it) and " + publicKey);
        out.println("FLAGWARD_LICENSE_PUBLIC_KEYS=" + kid + "=" + publicKey.toAbsolutePath());
    }

    private static String sign(IssuerOptions options, PrintStream err) throws IOException {
        boolean dev = options.has("dev");
        String kid;
        Path keyFile;
        if (dev) {
            if (options.has("key")) {
                throw new UsageError("--dev signs with the dev-only key; give either --dev or --key, not both");
            }
            kid = options.get("kid", DevLicenseKey.KID);
            if (!kid.equals(DevLicenseKey.KID)) {
                throw new UsageError("--dev signs with the key " + DevLicenseKey.KID + "; leave --kid out");
            }
            keyFile = DevLicenseKey.privateKeyFile();
            if (!Files.isRegularFile(keyFile)) {
                throw new Refused(
                        "the dev-only key " + keyFile + " is not there: --dev works in a clone of the Flagward "
                                + "repository (bin/license-issuer passes its directory).");
            }
        } else {
            keyFile = Path.of(options.require("key"));
            kid = options.require("kid");
            if (!Files.isRegularFile(keyFile)) {
                throw new Refused(keyFile + " is not there: --key takes the private key file keygen wrote "
                        + "(DIR/KID.private.pem), or use --dev for dev mode.");
            }
        }
        PrivateKey key;
        try {
            key = VendorKeys.readPrivateKey(Files.readString(keyFile));
        } catch (IllegalArgumentException e) {
            throw new Refused(keyFile + " is not a PEM private key (PKCS#8, RSA, P-256 or Ed25519): " + e.getMessage());
        }
        SignatureAlgorithm algorithm = VendorKeys.algorithmOf(key);
        Optional<SignatureAlgorithm> asked = options.algorithm();
        if (asked.isPresent() && asked.get() != algorithm) {
            throw new UsageError(keyFile + " is a " + key.getAlgorithm() + " key: it signs " + algorithm.getAlgorithm()
                    + ", not " + options.get("alg") + " (leave --alg out to use the key's own)");
        }
        Instant issuedAt = options.has("issued-at") ? options.instant("issued-at") : Instant.now();
        Instant expiresAt = options.has("expires-at")
                ? options.instant("expires-at")
                : issuedAt.plus(Duration.ofDays(options.number("days", "365")));
        Claims claims = new Claims(options.get("issuer", "flagward"), options.require("customer"),
                options.get("type", "Enterprise"), options.get("plan", "Enterprise"),
                options.get("instance-name"), options.get("instance-id"),
                options.limit("seats", "10"), options.limit("release-templates", "10"),
                options.limit("edge-instances", "5"), options.limit("read-only-users", "10"),
                issuedAt, expiresAt);
        if (dev) {
            err.println("Signed with the dev-only key " + DevLicenseKey.KID
                    + ": only dev mode (./mvnw quarkus:dev) trusts it.");
        }
        return LicenseSigner.sign(key, kid, algorithm, claims);
    }
}
