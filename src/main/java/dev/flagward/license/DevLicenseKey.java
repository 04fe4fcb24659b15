package dev.flagward.license;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * Flagward's dev-only vendor key (Ed25519, kid {@code flagward-dev}): both halves are committed in
 * {@code src/dev-only/license} so that dev mode takes a license in one step ({@code bin/license-issuer sign --dev}),
 * like the dev admin token. Anyone can sign with it, so only the {@code %dev} profile names it, and {@link KeyRing}
 * refuses it outside dev mode whatever the configuration says. Nothing here is packaged except this fingerprint.
 */
public final class DevLicenseKey {

    public static final String KID = "flagward-dev";
    /** Relative to the repository root, where dev mode and {@code bin/license-issuer} run. */
    public static final String DIRECTORY = "src/dev-only/license";
    /** SHA-256 of the public key's X.509 (SubjectPublicKeyInfo) encoding. */
    static final String FINGERPRINT = "75daa07537124b249a830b1fcfeabc3be6cdda8ef231c9be940daa2fe452762d";

    private DevLicenseKey() {
    }

    /** Whether this is the dev-only public key, by its encoding (whatever kid or file name it was given). */
    public static boolean is(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest).equals(FINGERPRINT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private half: under the repository root that {@code bin/license-issuer} passes, else the working directory. */
    static Path privateKeyFile() {
        return Path.of(System.getProperty("flagward.project-dir", "")).resolve(DIRECTORY).resolve(KID + ".private.pem");
    }
}
