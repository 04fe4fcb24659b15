package dev.flagward.security.principal;

/** A user's root role, as Unleash names them. */
public enum RootRole {
    Admin, Editor, Viewer
}
