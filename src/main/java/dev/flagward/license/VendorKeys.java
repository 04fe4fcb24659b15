package dev.flagward.license;

import dev.flagward.license.LicenseIssuer.Refused;
import dev.flagward.security.keys.Pem;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
import java.util.EnumSet;

/**
 * The vendor's signing keys: new pairs of each algorithm a license may be signed with, their PEM files, and a private
 * key read back with the one algorithm it signs.
 */
public final class VendorKeys {

    private VendorKeys() {
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

    /** The one algorithm a key signs with, as the key ring decides it on the instance. */
    static SignatureAlgorithm algorithmOf(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> SignatureAlgorithm.RS256;
            case "EC" -> SignatureAlgorithm.ES256;
            case "EdDSA", "Ed25519" -> SignatureAlgorithm.EDDSA;
            default -> throw new Refused("a " + key.getAlgorithm() + " key cannot sign a license");
        };
    }

    /** Writes a pair's two PEM files; {@code replace}: over the ones there, else only where there are none. */
    static void write(KeyPair pair, Path privateKey, Path publicKey, boolean replace) throws IOException {
        writeNew(privateKey, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), true, replace);
        writeNew(publicKey, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()), false, replace);
    }

    /**
     * Creates the file anew (replacing what is there only when forced): a private key is created with mode 0600, so
     * it is never readable by others, not even for a moment, whatever the umask.
     */
    private static void writeNew(Path file, String text, boolean secret, boolean replace) throws IOException {
        if (replace) {
            Files.deleteIfExists(file);
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = secret && posix
                ? new FileAttribute<?>[]{
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
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
}
