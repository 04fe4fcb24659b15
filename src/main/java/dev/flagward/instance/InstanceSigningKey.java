package dev.flagward.instance;

import dev.flagward.security.keys.Pem;
import dev.flagward.security.keys.SecretBox;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;

/**
 * The instance's Ed25519 key that seals usage statistics (SPEC §8.1). Created on first use, once per database: every
 * replica proposes a key and the first insert wins, so all replicas sign with the same key. The private half is
 * stored sealed with {@code FLAGWARD_SECRETS_KEY}; without that key nothing can be stored, and statistics are
 * answered without a signature.
 */
@Singleton
public class InstanceSigningKey {

    public record SigningKey(String kid, PublicKey publicKey, PrivateKey privateKey) {}

    @Inject
    Pool pool;
    @Inject
    SecretBox secrets;
    private volatile SigningKey loaded;

    public boolean available() {
        return secrets.available();
    }

    /** The key, created first if this database has none. Only call when {@link #available()}. */
    public Uni<SigningKey> key() {
        SigningKey known = loaded;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        KeyPair proposed = generate();
        String kid = thumbprint(proposed.getPublic());
        return pool.preparedQuery("insert into instance_signing_key (kid, public_key, private_key) values ($1, $2, $3) "
                + "on conflict do nothing")
                .execute(Tuple.of(kid, Buffer.buffer(proposed.getPublic().getEncoded()),
                        Buffer.buffer(secrets.seal(proposed.getPrivate().getEncoded(), context(kid)))))
                .chain(() -> pool.query("select kid, public_key, private_key from instance_signing_key").execute())
                .map(rows -> {
                    Row row = rows.iterator().next();
                    String storedKid = row.getString("kid");
                    SigningKey key = new SigningKey(storedKid, publicKey(row.getBuffer("public_key").getBytes()),
                            privateKey(secrets.open(row.getBuffer("private_key").getBytes(), context(storedKid))));
                    loaded = key;
                    return key;
                });
    }

    private static String context(String kid) {
        return "instance-statistics-key:" + kid;
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
        }
    }

    static PublicKey publicKey(byte[] x509) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stored statistics public key is not an Ed25519 key", e);
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The stored statistics private key is not an Ed25519 key", e);
        }
    }

    /** The RFC 7638 JWK thumbprint (SHA-256, base64url): the key's id, computable by anyone from the public key. */
    static String thumbprint(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot compute the key's thumbprint", e);
        }
    }

    public static String pem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    /** The public JWK ({@code kty} OKP, {@code crv} Ed25519) with {@code kid}, {@code use} and {@code alg}. */
    public static Map<String, Object> jwk(String kid, PublicKey key) {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key);
            jwk.setKeyId(kid);
            jwk.setUse("sig");
            jwk.setAlgorithm("EdDSA");
            return jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException("Cannot express the key as a JWK", e);
        }
    }
}
