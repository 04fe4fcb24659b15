package dev.flagward.support;

import org.jboss.logmanager.ExtLogRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log line the application writes while it is open (the root logger's records, at the levels configured), so a
 * test can show a secret it handled was never logged.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Handler handler = new Handler() {

        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            lines.add(record.getLoggerName() + " " + message
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Fails when any line captured so far holds one of these strings (the failure does not repeat the line). */
    public void assertNoneContains(String... secrets) {
        List<String> seen = lines();
        for (int i = 0; i < seen.size(); i++) {
            for (String secret : secrets) {
                if (seen.get(i).contains(secret)) {
                    throw new AssertionError("log line " + i + " of " + seen.size() + " holds a secret (logger "
                            + seen.get(i).substring(0, seen.get(i).indexOf(' ')) + ")");
                }
            }
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
