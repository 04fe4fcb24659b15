package dev.flagward.support;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What the test SMTP server ({@link MailServer}) received, by recipient. */
public final class Mails {

    private Mails() {
    }

    public static List<MimeMessage> to(GreenMail server, String address) {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage message : server.getReceivedMessages()) {
            try {
                Address[] to = message.getRecipients(Message.RecipientType.TO);
                if (to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(address))) {
                    out.add(message);
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Waits for the {@code n}th mail to this address and returns its subject and decoded text. */
    public static String await(GreenMail server, String address, int n) {
        Eventually.within(Duration.ofSeconds(10)).until(() -> to(server, address).size() >= n);
        MimeMessage message = to(server, address).get(n - 1);
        try {
            return message.getSubject() + "\n" + message.getContent();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token in the first link of a mail (after {@code token=}). */
    public static String token(String mail, String parameter) {
        int start = mail.indexOf(parameter + "=") + parameter.length() + 1;
        int end = start;
        while (end < mail.length() && !Character.isWhitespace(mail.charAt(end))) {
            end++;
        }
        return mail.substring(start, end);
    }
}
