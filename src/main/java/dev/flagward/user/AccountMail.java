package dev.flagward.user;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Mails to users about their account: a password reset link, and the welcome link of a user an Admin created. Sent
 * with the reactive mailer (the Vert.x mail client), so no event loop waits for SMTP. Mail is on when a sender is
 * configured ({@code quarkus.mailer.from}, QUARKUS_MAILER_FROM): the standard Quarkus Mailer settings say where to send
 * it; without one, links go only to the Admin who asked. Dev mode sets a sender and {@code quarkus.mailer.mock}, so
 * mails are logged instead of sent. The link is the mail's only secret; it is never logged here.
 */
@ApplicationScoped
public class AccountMail {

    private static final Logger LOG = Logger.getLogger(AccountMail.class);

    @Inject
    ReactiveMailer mailer;
    @Inject
    UserConfig config;
    @ConfigProperty(name = "quarkus.mailer.from")
    Optional<String> from;

    /** A sender is configured, so account mails are sent. */
    public boolean configured() {
        return sender().isPresent();
    }

    private Optional<String> sender() {
        return from.filter(value -> !value.isBlank());
    }

    /** True when the mail went out; false when mail is off or sending failed (logged without the link). */
    public Uni<Boolean> sendResetLink(long userId, String to, String name, String link) {
        String text = greeting(name)
                + "Someone asked to reset the password of your Flagward account. To choose a new password, open this link"
                + " within " + hours() + ":\n\n" + link + "\n\n"
                + "The link works once. If you did not ask for this, ignore this mail: your password stays as it is.\n";
        return send(userId, to, "Flagward: reset your password", text);
    }

    public Uni<Boolean> sendWelcome(long userId, String to, String name, String link) {
        String text = greeting(name)
                + "An administrator created a Flagward account for you. To choose your password, open this link within "
                + hours() + ":\n\n" + link + "\n\n"
                + "The link works once. When it has expired, ask an administrator for a new one.\n";
        return send(userId, to, "Flagward: your new account", text);
    }

    private Uni<Boolean> send(long userId, String to, String subject, String text) {
        Optional<String> sender = sender();
        if (sender.isEmpty() || to == null) {
            return Uni.createFrom().item(false);
        }
        return mailer.send(Mail.withText(to, subject, text).setFrom(sender.get()))
                .replaceWith(true)
                .onFailure().recoverWithItem(failure -> {
                    // The cause says what SMTP said (refused, timed out); the mail's text and link stay out of the log.
                    LOG.warnf("The account mail to user %d was not sent: %s", userId, failure.toString());
                    return false;
                });
    }

    private static String greeting(String name) {
        return "Hello" + (name == null || name.isBlank() ? "" : " " + name.strip()) + ",\n\n";
    }

    private String hours() {
        Duration linkTtl = config.resetTokenTtl();
        long hours = linkTtl.toHours();
        return hours >= 1 ? hours + (hours == 1 ? " hour" : " hours") : linkTtl.toMinutes() + " minutes";
    }
}
