package dev.flagward.user;

import java.util.ArrayList;
import java.util.List;

/**
 * Password strength as Unleash documents it for validate-password and password changes: at least the minimum
 * length (FLAGWARD_USERS_MIN_PASSWORD_LENGTH, 10), an uppercase letter, a lowercase letter, a number and a special
 * character; at most 72 bytes (bcrypt's limit). Each broken rule is one reason.
 */
final class PasswordRules {

    private PasswordRules() {
    }

    static List<String> problems(String password, int minLength) {
        List<String> out = new ArrayList<>();
        if (password == null || password.isEmpty()) {
            out.add("The password is required.");
            return out;
        }
        if (password.codePointCount(0, password.length()) < minLength) {
            out.add("The password must have at least " + minLength + " characters.");
        }
        if (Passwords.tooLong(password)) {
            out.add("The password may be at most 72 bytes.");
        }
        if (password.chars().noneMatch(Character::isUpperCase)) {
            out.add("The password must contain at least one uppercase letter.");
        }
        if (password.chars().noneMatch(Character::isLowerCase)) {
            out.add("The password must contain at least one lowercase letter.");
        }
        if (password.chars().noneMatch(Character::isDigit)) {
            out.add("The password must contain at least one number.");
        }
        if (password.chars().allMatch(Character::isLetterOrDigit)) {
            out.add("The password must contain at least one special character.");
        }
        return out;
    }
}
