package dev.flagward.security.notification;

/**
 * A feature's PostgreSQL notification channel, carried on the replica's one LISTEN connection
 * ({@link NotificationListener}) beside the credential channels. Handlers run on the connection's event loop: they
 * must not block, and what they fetch they fetch reactively.
 */
public interface NotificationChannel {

    /** The channel's name, as the feature's triggers or {@code pg_notify} calls use it. */
    String channel();

    void onNotification(String payload);

    /** After every LISTEN on a new connection: notifications sent while there was none were lost. */
    default void onListening() {
    }
}
