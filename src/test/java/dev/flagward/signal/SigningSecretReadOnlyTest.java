package dev.flagward.signal;

import static dev.flagward.signal.Signals.ENDPOINTS;
import static dev.flagward.support.Api.ADMIN;
import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.error;
import static dev.flagward.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Read-only mode (SPEC §7.4) lets revocations through and nothing else. Deleting a signing secret revokes nothing: it
 * lets unsigned calls in again, so it is refused like any other write.
 */
@QuarkusTest
class SigningSecretReadOnlyTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;

    @BeforeEach
    void aLicenseThatExpiresTomorrow() {
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
        json(ADMIN, Map.of("token", Licenses.rs256(Licenses.generous().withTimes(Instant.now().minusSeconds(5),
                Instant.now().plus(Duration.ofDays(1)))))).post("/api/admin/license").then().statusCode(201);
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        Db.rows(pool, "delete from signal_endpoints");
        Licenses.remove(pool, license);
    }

    @Test
    void inReadOnlyModeTheSigningSecretCannotBeDeletedButTokensCanStillBeRevoked() {
        Signals.Endpoint endpoint = Signals.create();
        Signals.token(endpoint);
        Signals.signingSecret(endpoint);
        long tokenId = Db.count(pool, "select max(id) from signal_endpoint_tokens where signal_endpoint_id = $1",
                endpoint.id());

        // Past the license's expiry and its 14-day grace period.
        clock.advance(Duration.ofDays(16));
        error(admin().delete(ENDPOINTS + "/" + endpoint.id() + "/signing-secret").then(), 403, "LicenseError");
        assertEquals(1,
                Db.count(pool, "select count(*) from signal_endpoints where id = $1 and signing_secret is not null",
                        endpoint.id()));
        admin().delete(ENDPOINTS + "/" + endpoint.id() + "/tokens/" + tokenId).then().statusCode(200);

        // A valid license lifts read-only mode.
        Licenses.installGenerous();
        admin().delete(ENDPOINTS + "/" + endpoint.id() + "/signing-secret").then().statusCode(200);
        assertEquals(0,
                Db.count(pool, "select count(*) from signal_endpoints where id = $1 and signing_secret is not null",
                        endpoint.id()));
    }
}
