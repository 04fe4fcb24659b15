package dev.flagward.license;

import dev.flagward.security.keys.Pem;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vendor's license keys: kid → public key and the one algorithm that key allows (RS256 for RSA, ES256 for
 * P-256, EdDSA for Ed25519). The algorithm comes from the key, never from a token header, and symmetric keys are
 * never accepted, so neither {@code none} nor any HS* algorithm can verify.
 */
@Singleton
public class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    public record Key(String kid, PublicKey publicKey, SignatureAlgorithm algorithm) {}

    private final Map<String, Key> keys;

    @Inject
    public KeyRing(LicenseConfig config) {
        this.keys = config.publicKeys().filter(s -> !s.isBlank()).map(KeyRing::load).orElse(Map.of());
        refuseDevKeyOutsideDevMode(keys, LaunchMode.current());
        if (keys.isEmpty()) {
            LOG.info("No license public keys configured (FLAGWARD_LICENSE_PUBLIC_KEYS): licenses cannot be installed");
        } else {
            keys.values().forEach(k -> LOG.infof("License key %s: %s%s", k.kid(), k.algorithm().getAlgorithm(),
                    DevLicenseKey.is(k.publicKey())
                            ? " (the dev-only key: bin/license-issuer sign --dev signs for it)"
                            : ""));
        }
    }

    /**
     * The dev-only key's private half is in the repository, so anyone can sign with it: only dev mode may trust it,
     * whatever the configuration says (a %dev line copied without its prefix, an environment variable).
     */
    static void refuseDevKeyOutsideDevMode(Map<String, Key> keys, LaunchMode mode) {
        if (mode == LaunchMode.DEVELOPMENT) {
            return;
        }
        for (Key key : keys.values()) {
            if (DevLicenseKey.is(key.publicKey())) {
                throw new IllegalStateException("License key " + key.kid()
                        + " (FLAGWARD_LICENSE_PUBLIC_KEYS) is Flagward's "
                        + "dev-only key, whose private half is published in the repository: anyone could sign a license "
                        + "with it. Only dev mode (./mvnw quarkus:dev) trusts it; configure your vendor's public key.");
            }
        }
    }

    KeyRing(Map<String, Key> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** The key for this kid; without a kid, the only key when there is exactly one. Null when none fits. */
    public Key find(String kid) {
        if (kid == null) {
            return keys.size() == 1 ? keys.values().iterator().next() : null;
        }
        return keys.get(kid);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    static Map<String, Key> load(String setting) {
        String trimmed = setting.strip();
        if (!trimmed.contains("=")) {
            return loadJwks(Path.of(trimmed));
        }
        Map<String, Key> out = new LinkedHashMap<>();
        for (String entry : trimmed.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException("FLAGWARD_LICENSE_PUBLIC_KEYS entries must be kid=path-to-PEM");
            }
            String kid = entry.substring(0, eq).strip();
            Path path = Path.of(entry.substring(eq + 1).strip());
            out.put(kid, fromPem(kid, read(path)));
        }
        return out;
    }

    static Map<String, Key> loadJwks(Path path) {
        try {
            Map<String, Key> out = new LinkedHashMap<>();
            for (JsonWebKey jwk : new JsonWebKeySet(read(path)).getJsonWebKeys()) {
                if (!(jwk instanceof PublicJsonWebKey publicJwk) || jwk.getKeyId() == null) {
                    throw new IllegalStateException("The license JWKS may only hold public keys with a kid");
                }
                Key key = of(jwk.getKeyId(), publicJwk.getPublicKey());
                if (jwk.getAlgorithm() != null
                        && !jwk.getAlgorithm().equalsIgnoreCase(key.algorithm().getAlgorithm())) {
                    throw new IllegalStateException("License key " + jwk.getKeyId() + " says alg " + jwk.getAlgorithm()
                            + " but is a " + key.algorithm().getAlgorithm() + " key");
                }
                out.put(key.kid(), key);
            }
            return out;
        } catch (JoseException e) {
            throw new IllegalStateException("The license JWKS file cannot be read: " + e.getMessage(), e);
        }
    }

    static Key fromPem(String kid, String pem) {
        byte[] der;
        try {
            der = Pem.decode(pem, "PUBLIC KEY");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("License key " + kid + " is not a PEM public key");
        }
        for (String type : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return of(kid, KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der)));
            } catch (GeneralSecurityException | IllegalStateException notThisType) {
                // try the next type
            }
        }
        throw new IllegalStateException("License key " + kid + " is not an RSA, P-256 or Ed25519 public key");
    }

    static Key of(String kid, PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalStateException("License key " + kid + " is an RSA key shorter than 2048 bits");
            }
            return new Key(kid, key, SignatureAlgorithm.RS256);
        }
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalStateException("License key " + kid + " is an EC key on a curve other than P-256");
            }
            return new Key(kid, key, SignatureAlgorithm.ES256);
        }
        if ("EdDSA".equals(key.getAlgorithm()) || "Ed25519".equals(key.getAlgorithm())) {
            return new Key(kid, key, SignatureAlgorithm.EDDSA);
        }
        throw new IllegalStateException("License key " + kid + " has an unsupported type " + key.getAlgorithm());
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read license key file " + path + ": " + e.getMessage(), e);
        }
    }
}
