package dev.flagward.user;

import org.eclipse.microprofile.config.spi.Converter;

/** bcrypt's cost must be 4 to 31; anything else stops start-up with a message naming the setting. */
public class BcryptCost implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        int cost;
        try {
            cost = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "flagward.users.bcrypt-cost must be a whole number from 4 to 31, not '" + value + "'");
        }
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("flagward.users.bcrypt-cost must be from 4 to 31, not " + cost);
        }
        return cost;
    }
}
