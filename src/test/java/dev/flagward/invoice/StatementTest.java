package dev.flagward.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Optional;

/** The statement arithmetic and the price settings, without a server. */
class StatementTest {

    private static BillingConfig config(String currency, String seat, String readOnly, String edge, String tax) {
        return new BillingConfig() {

            public String currency() {
                return currency;
            }
            public Optional<String> seatPrice() {
                return Optional.ofNullable(seat);
            }
            public Optional<String> readOnlySeatPrice() {
                return Optional.ofNullable(readOnly);
            }
            public Optional<String> edgeInstancePrice() {
                return Optional.ofNullable(edge);
            }
            public Optional<String> taxPercent() {
                return Optional.ofNullable(tax);
            }
        };
    }

    @Test
    void withoutPricesEveryAmountIsZeroAndTheUsageStays() {
        Prices prices = Prices.from(config("EUR", null, null, null, null));
        assertFalse(prices.configured());
        Statement s = Statement.of(YearMonth.of(2026, 11), YearMonth.of(2026, 12),
                new Statement.Usage(7, 3, new BigDecimal("2.50")), prices);
        assertEquals(0, s.total());
        assertEquals(new BigDecimal("7"), s.mainLines().get(0).quantity());
        assertEquals(new BigDecimal("2.50"), s.usageLines().get(0).quantity());
        assertEquals("€ 0.00", prices.format(s.total()));
        assertEquals("final", s.status());
    }

    @Test
    void amountsAreExactIntegersInMinorUnits() {
        // 0.10 × 3 in floating point is 0.30000000000000004; here 10 × 3 cents is 30 cents.
        Prices prices = Prices.from(config("USD", "0.10", "0.01", "0.07", "7.5"));
        Statement s = Statement.of(YearMonth.of(2026, 12), YearMonth.of(2026, 12),
                new Statement.Usage(3, 1, new BigDecimal("0.50")), prices);
        assertEquals(30, s.mainLines().get(0).amount());
        assertEquals(1, s.mainLines().get(1).amount());
        assertEquals(4, s.usageLines().get(0).amount()); // 0.5 × 7 = 3.5 → 4 (half up)
        assertEquals(35, s.subtotal());
        assertEquals(3, s.tax()); // 35 × 7.5 % = 2.625 → 3
        assertEquals(38, s.total());
        assertEquals("$ 0.38", prices.format(s.total()));
        assertEquals("estimate", s.status());
        assertEquals(Prices.from(config("JPY", "1500", null, null, null)).seat(), 1500);
        assertEquals("¥ 1500", Prices.from(config("JPY", "1500", null, null, null)).format(1500));
        assertEquals("CHF 12.00", Prices.from(config("chf", "1", null, null, null)).format(1200));
    }

    @Test
    void wrongSettingsStopTheStartWithTheirName() {
        assertTrue(
                assertThrows(IllegalStateException.class, () -> Prices.from(config("EUR", "15.001", null, null, null)))
                        .getMessage().contains("FLAGWARD_BILLING_SEAT_PRICE"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Prices.from(config("EUR", null, "-1", null, null)))
                .getMessage().contains("FLAGWARD_BILLING_READ_ONLY_SEAT_PRICE"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Prices.from(config("EUR", null, null, "ten", null)))
                .getMessage().contains("FLAGWARD_BILLING_EDGE_INSTANCE_PRICE"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Prices.from(config("EUR", null, null, null, "120")))
                .getMessage().contains("FLAGWARD_BILLING_TAX_PERCENT"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Prices.from(config("EURO", null, null, null, null)))
                .getMessage().contains("FLAGWARD_BILLING_CURRENCY"));
    }
}
