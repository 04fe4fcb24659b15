package dev.flagward.security.principal;

import java.util.Locale;

/** The kinds of API token. {@code client} is the older name of {@code backend}; both are accepted and kept as given. */
public enum ApiTokenType {

    ADMIN, CLIENT, BACKEND, FRONTEND;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Case-insensitive; null when the name is not a token type. */
    public static ApiTokenType fromWire(String name) {
        if (name == null) {
            return null;
        }
        for (ApiTokenType type : values()) {
            if (type.name().equalsIgnoreCase(name)) {
                return type;
            }
        }
        return null;
    }

    /** Tokens for SDKs and Edge, which never use the admin API. */
    public boolean isSdk() {
        return this != ADMIN;
    }
}
