package dev.flagward.credential;

import dev.flagward.security.rotation.CredentialLifecycle;

/**
 * A port: each feature that owns a kind of long-lived credential (API tokens, PATs, signal endpoint tokens) names
 * its kind's part of rotation and revocation, and {@code CredentialLifecycle.revokeLeaked} revokes one reported as
 * leaked: the live credential with the selector if the secret is its secret (constant-time check against the stored
 * verifier), in one transaction with its event {@code credential-leak-revoked}; every replica stops accepting it
 * within a second. Sessions have none: they are short-lived and never pasted into files.
 */
public interface LeakedCredentialRevoker {

    CredentialLifecycle.Kind<?> credentialKind();
}
