package dev.flagward.invoice;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;

/**
 * One calendar month's usage statement: seats and read-only seats at the month's highest daily count, Edge
 * instances at the month's average, priced in minor units. Every amount is an exact integer: a line is unit price
 * times quantity rounded half up to the minor unit (only the Edge average can have decimals), tax is the subtotal
 * times the percentage rounded half up, and the total is their sum.
 */
record Statement(YearMonth month, boolean closed, List<Line> mainLines, List<Line> usageLines, long subtotal,
        BigDecimal taxPercent, long tax, long total) {

    record Line(String description, String lookupKey, BigDecimal quantity, long unitPrice, long amount) {}

    record Usage(long seats, long readOnlySeats, BigDecimal edgeInstances) {}

    static Statement of(YearMonth month, YearMonth current, Usage usage, Prices prices) {
        List<Line> main = List.of(
                line("Seats (Admins and Editors, highest daily count)", "seats", BigDecimal.valueOf(usage.seats()),
                        prices.seat()),
                line("Read-only seats (Viewers, highest daily count)", "read-only-seats",
                        BigDecimal.valueOf(usage.readOnlySeats()), prices.readOnlySeat()));
        List<Line> usageLines = List.of(
                line("Edge instances (monthly average)", "edge-instances", usage.edgeInstances(),
                        prices.edgeInstance()));
        long subtotal = 0;
        for (Line line : main) {
            subtotal = Math.addExact(subtotal, line.amount());
        }
        for (Line line : usageLines) {
            subtotal = Math.addExact(subtotal, line.amount());
        }
        long tax = BigDecimal.valueOf(subtotal).multiply(prices.taxPercent()).movePointLeft(2)
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
        return new Statement(month, month.isBefore(current), main, usageLines, subtotal, prices.taxPercent(), tax,
                Math.addExact(subtotal, tax));
    }

    private static Line line(String description, String key, BigDecimal quantity, long unitPrice) {
        long amount = quantity.multiply(BigDecimal.valueOf(unitPrice)).setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        return new Line(description, key, quantity, unitPrice, amount);
    }

    String id() {
        return month.toString();
    }

    String status() {
        return closed ? "final" : "estimate";
    }

    LocalDate invoiceDate() {
        return month.atEndOfMonth();
    }

    /** Statements are due 14 days after the month they cover. */
    LocalDate dueDate() {
        return month.atEndOfMonth().plusDays(14);
    }
}
