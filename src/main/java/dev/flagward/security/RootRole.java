package dev.flagward.security;

/** A user's root role, as Unleash names them. */
public enum RootRole {
    Admin, Editor, Viewer
}
