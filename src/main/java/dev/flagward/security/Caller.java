package dev.flagward.security;

import jakarta.enterprise.context.RequestScoped;

/** Who made the current request and from where; filled by {@link AccessFilter}. */
@RequestScoped
public class Caller {

    private Principal principal;
    private String address;

    public Principal principal() {
        return principal;
    }

    public String address() {
        return address;
    }

    void set(Principal principal, String address) {
        this.principal = principal;
        this.address = address;
    }

    void setAddress(String address) {
        this.address = address;
    }
}
