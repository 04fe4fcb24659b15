package dev.flagward.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The wire form of instants: RFC 3339, UTC, milliseconds ({@code 2023-04-19T08:15:14.000Z}). */
public final class Timestamps {

    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : WIRE.format(instant);
    }

    /** The dates Flagward accepts: four-digit years from 1970. Beyond 9999 the database can store a date that no client reads back. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** Parses an RFC 3339 date-time with a zone designator (Z or an offset) and normalises it to UTC milliseconds. */
    public static Instant parse(String text) {
        Instant parsed;
        try {
            parsed = OffsetDateTime.parse(text.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("not an RFC 3339 date-time with a time zone");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw new IllegalArgumentException("outside the years 1970 to 9999");
        }
        return parsed;
    }
}
