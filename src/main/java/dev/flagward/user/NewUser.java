package dev.flagward.user;

import dev.flagward.security.principal.RootRole;
import dev.flagward.user.UserApi.CreateUserRequest;
import dev.flagward.web.Validation;

import java.util.regex.Pattern;

/** A user to create, as a request asks for it: checked before any I/O, 400 with every broken rule at once. */
record NewUser(String username, String email, String name, String password, RootRole role) {

    static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9._@+-]{1,100}$");

    static NewUser of(CreateUserRequest request, int minPasswordLength) {
        Validation validation = Validation.of(request);
        String username = blankToNull(request.username());
        String email = blankToNull(request.email());
        validation.check(username != null || email != null, "A user needs a username or an email.", "username");
        validation.matches(username, USERNAME, "username",
                "may only contain letters, digits and . _ @ + - (at most 100 characters)");
        checkEmail(validation, email);
        validation.maxLength(request.name(), "name", 200);
        RootRole role = UnleashRoles.parse(request.rootRole());
        validation.check(role != null,
                "The rootRole is required: Admin, Editor or Viewer (or Unleash's role id 1, 2 or 3).",
                "rootRole");
        String password = request.password();
        if (password != null) {
            validation.check(password.length() >= minPasswordLength,
                    "The password must have at least " + minPasswordLength + " characters.", "password");
            validation.check(!Passwords.tooLong(password), "The password may be at most 72 bytes.", "password");
        }
        validation.orFail();
        return new NewUser(username, email, blankToNull(request.name()), password, role);
    }

    static void checkEmail(Validation validation, String email) {
        validation.check(
                email == null || email.isBlank()
                        || (email.length() <= 320 && email.strip().matches("^[^@\\s]+@[^@\\s]+$")),
                "The email is not a valid address.", "email");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public String toString() {
        return "NewUser[…]";
    }
}
