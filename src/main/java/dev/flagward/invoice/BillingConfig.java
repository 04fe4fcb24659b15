package dev.flagward.invoice;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * Plan prices for usage statements (SPEC §8.2), as decimal amounts in the currency's major unit ("15.00"); each also
 * as FLAGWARD_BILLING_… (CURRENCY, SEAT_PRICE, READ_ONLY_SEAT_PRICE, EDGE_INSTANCE_PRICE, TAX_PERCENT). Without
 * prices, statements show the usage with zero amounts and say so.
 */
@ConfigMapping(prefix = "flagward.billing")
public interface BillingConfig {

    /** ISO 4217 code. */
    @WithDefault("EUR")
    String currency();

    /** Per seat (Admins and Editors, as the license counts them) per month. */
    Optional<String> seatPrice();

    /** Per read-only seat (Viewers) per month. */
    Optional<String> readOnlySeatPrice();

    /** Per Edge instance (monthly average) per month. */
    Optional<String> edgeInstancePrice();

    /** Tax added to the subtotal, in percent ("25", "7.5"). */
    Optional<String> taxPercent();
}
