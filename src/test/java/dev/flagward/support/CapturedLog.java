package dev.flagward.support;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record the application writes while open (the root logger, every level the configuration lets through),
 * formatted with its parameters and any thrown cause, so a test can say what the log must never hold.
 */
public final class CapturedLog implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Handler handler = new Handler() {

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
            String message = record.getMessage();
            Object[] parameters = record.getParameters();
            try {
                line.append(parameters == null || parameters.length == 0 || message == null
                        ? message
                        : message.contains("{0")
                                ? MessageFormat.format(message, parameters)
                                : String.format(message, parameters));
            } catch (RuntimeException e) {
                line.append(message);
                for (Object parameter : parameters) {
                    line.append(' ').append(parameter);
                }
            }
            for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause()) {
                line.append(" | ").append(cause);
            }
            synchronized (lines) {
                lines.add(line.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    /** Starts capturing, and proves it does: a probe record written through the application's logging must arrive. */
    public static CapturedLog open() {
        CapturedLog log = new CapturedLog();
        org.jboss.logging.Logger.getLogger("dev.flagward.test").info("log capture probe");
        if (log.lines().stream().noneMatch(line -> line.contains("log capture probe"))) {
            log.close();
            throw new AssertionError("the log capture receives nothing: a check of the log would prove nothing");
        }
        return log;
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Fails when a line holds the secret or, for a minted one, its random part. */
    public void assertNoSecret(String secret) {
        int mark = secret.indexOf("v2_");
        String random = mark < 0 ? secret : secret.substring(mark + 3 + 22 + 1, secret.length() - 6);
        for (String line : lines()) {
            if (line.contains(secret) || line.contains(random)) {
                throw new AssertionError("a log line holds a secret: " + line.replace(random, "<random part>"));
            }
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
