package dev.flagward.invoice;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configured prices in minor units (cents), read once and checked at start: a price with more decimals than the
 * currency has, a negative one or one that is not a number stops the service with a message naming the setting.
 */
record Prices(Currency currency, long seat, long readOnlySeat, long edgeInstance, BigDecimal taxPercent,
        boolean configured) {

    private static final Map<String, String> SYMBOLS = Map.of("EUR", "€", "USD", "$", "GBP", "£", "JPY", "¥");

    static Prices from(BillingConfig config) {
        Currency currency;
        try {
            currency = Currency.getInstance(config.currency().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("FLAGWARD_BILLING_CURRENCY must be an ISO 4217 code (EUR, USD, ...), not '"
                    + config.currency() + "'");
        }
        boolean configured = config.seatPrice().isPresent() || config.readOnlySeatPrice().isPresent()
                || config.edgeInstancePrice().isPresent();
        BigDecimal tax = config.taxPercent().map(value -> decimal(value, "FLAGWARD_BILLING_TAX_PERCENT"))
                .orElse(BigDecimal.ZERO);
        if (tax.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalStateException(
                    "FLAGWARD_BILLING_TAX_PERCENT must be from 0 to 100, not " + tax.toPlainString());
        }
        return new Prices(currency,
                minor(config.seatPrice(), currency, "FLAGWARD_BILLING_SEAT_PRICE"),
                minor(config.readOnlySeatPrice(), currency, "FLAGWARD_BILLING_READ_ONLY_SEAT_PRICE"),
                minor(config.edgeInstancePrice(), currency, "FLAGWARD_BILLING_EDGE_INSTANCE_PRICE"),
                tax, configured);
    }

    private static BigDecimal decimal(String value, String setting) {
        BigDecimal parsed;
        try {
            parsed = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(setting + " must be a decimal number, not '" + value + "'");
        }
        if (parsed.signum() < 0) {
            throw new IllegalStateException(setting + " must not be negative");
        }
        return parsed;
    }

    private static long minor(Optional<String> value, Currency currency, String setting) {
        if (value.isEmpty()) {
            return 0;
        }
        BigDecimal major = decimal(value.get(), setting);
        try {
            return major.movePointRight(currency.getDefaultFractionDigits()).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalStateException(setting + " has more decimals than " + currency.getCurrencyCode()
                    + " has (" + currency.getDefaultFractionDigits() + "): " + value.get());
        }
    }

    /** "€ 123.00": the symbol (or the code), a space, the amount with the currency's decimals, no grouping. */
    String format(long minorUnits) {
        String symbol = SYMBOLS.getOrDefault(currency.getCurrencyCode(), currency.getCurrencyCode());
        return symbol + " " + BigDecimal.valueOf(minorUnits, currency.getDefaultFractionDigits()).toPlainString();
    }
}
