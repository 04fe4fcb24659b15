package dev.flagward.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flagward.security.keys.Pem;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

/** The key ring takes the algorithm from the key, and never admits a symmetric or weak key. */
class KeyRingTest {

    @TempDir
    Path dir;

    private static PublicJsonWebKey jwk(KeyPair pair, String kid) throws Exception {
        PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic());
        jwk.setKeyId(kid);
        return jwk;
    }

    @Test
    void jwksWithRsaEcAndEd25519() throws Exception {
        JsonWebKeySet set = new JsonWebKeySet(
                jwk(VendorKeys.generate(SignatureAlgorithm.RS256), "r"),
                jwk(VendorKeys.generate(SignatureAlgorithm.ES256), "e"),
                jwk(VendorKeys.generate(SignatureAlgorithm.EDDSA), "d"));
        Path file = dir.resolve("keys.jwks");
        Files.writeString(file, set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        KeyRing ring = new KeyRing(KeyRing.load(file.toString()));
        assertEquals(SignatureAlgorithm.RS256, ring.find("r").algorithm());
        assertEquals(SignatureAlgorithm.ES256, ring.find("e").algorithm());
        assertEquals(SignatureAlgorithm.EDDSA, ring.find("d").algorithm());
        assertNull(ring.find("unknown"));
        assertNull(ring.find(null), "without a kid only a ring of one key answers");
    }

    @Test
    void symmetricKeysAreRefused() throws Exception {
        OctetSequenceJsonWebKey secret = new OctetSequenceJsonWebKey(new SecretKeySpec(new byte[32], "HmacSHA256"));
        secret.setKeyId("hs");
        Path file = dir.resolve("hs.jwks");
        Files.writeString(file, new JsonWebKeySet(secret).toJson(JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC));
        assertThrows(IllegalStateException.class, () -> KeyRing.load(file.toString()));
    }

    @Test
    void pemKeysByKidAndWeakKeysRefused() throws Exception {
        KeyPair ed = VendorKeys.generate(SignatureAlgorithm.EDDSA);
        Path edFile = dir.resolve("ed.pem");
        Files.writeString(edFile, Pem.encode("PUBLIC KEY", ed.getPublic().getEncoded()));
        Map<String, KeyRing.Key> keys = KeyRing.load("only=" + edFile);
        assertEquals(SignatureAlgorithm.EDDSA, new KeyRing(keys).find(null).algorithm());

        KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
        weak.initialize(1024);
        Path weakFile = dir.resolve("weak.pem");
        Files.writeString(weakFile, Pem.encode("PUBLIC KEY", weak.generateKeyPair().getPublic().getEncoded()));
        assertThrows(IllegalStateException.class, () -> KeyRing.load("weak=" + weakFile));
        assertThrows(IllegalStateException.class, () -> KeyRing.load("missing=" + dir.resolve("nope.pem")));
    }

    @Test
    void algorithmInTheJwkMustMatchTheKey() throws Exception {
        PublicJsonWebKey rsa = jwk(VendorKeys.generate(SignatureAlgorithm.RS256), "r");
        rsa.setAlgorithm("HS256");
        Path file = dir.resolve("mismatch.jwks");
        Files.writeString(file, new JsonWebKeySet(rsa).toJson());
        assertThrows(IllegalStateException.class, () -> KeyRing.load(file.toString()));
    }
}
