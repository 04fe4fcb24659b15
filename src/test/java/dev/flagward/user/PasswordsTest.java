package dev.flagward.user;

import io.quarkus.elytron.security.common.BcryptUtil;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The dummy hash stands in for an unknown user's: it must cost exactly what a real password hash costs. */
class PasswordsTest {

    @Test
    void theDummyHashHasTheCostAndFormOfARealHash() {
        String real = BcryptUtil.bcryptHash(Passwords.randomPassword());
        assertEquals(real.substring(0, 7), Passwords.DUMMY_HASH.substring(0, 7), "algorithm and cost differ");
        assertEquals(real.length(), Passwords.DUMMY_HASH.length());
        assertFalse(BcryptUtil.matches("", Passwords.DUMMY_HASH));
        assertFalse(BcryptUtil.matches(Passwords.randomPassword(), Passwords.DUMMY_HASH));
    }
}
