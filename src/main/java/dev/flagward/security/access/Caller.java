package dev.flagward.security.access;

import dev.flagward.security.authentication.StoredCredential;
import dev.flagward.security.principal.Principal;
import jakarta.enterprise.context.RequestScoped;

/** Who made the current request and from where, and the credential and rule that let it in; filled by {@link AccessFilter}. */
@RequestScoped
public class Caller {

    private StoredCredential credential;
    private AccessRule rule;
    private String address;

    public Principal principal() {
        return credential == null ? null : credential.principal();
    }

    public String address() {
        return address;
    }

    /** The credential that authenticated this request (never its secret), or null for a public endpoint. */
    StoredCredential credential() {
        return credential;
    }

    AccessRule rule() {
        return rule;
    }

    void set(StoredCredential credential, AccessRule rule, String address) {
        this.credential = credential;
        this.rule = rule;
        this.address = address;
    }

    void setAddress(String address) {
        this.address = address;
    }
}
