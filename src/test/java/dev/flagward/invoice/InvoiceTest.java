package dev.flagward.invoice;

import static dev.flagward.support.Api.admin;
import static dev.flagward.support.Api.as;
import static dev.flagward.support.Api.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flagward.license.LicenseService;
import dev.flagward.support.Api;
import dev.flagward.support.Db;
import dev.flagward.support.Licenses;
import dev.flagward.support.TestClock;
import dev.flagward.support.Users;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Usage statements (SPEC §8.2) from known recorded usage: October 2026 (3 seats, 2 read-only, Edge average 1.5) and
 * November 2026 (seats rise to 5 on the 10th and fall to 4; Edge average 1.33), priced by the test profile at
 * €15.00 a seat, €5.00 a read-only seat, €10.00 an Edge instance, 25 % tax; December is the current month.
 */
@QuarkusTest
class InvoiceTest {

    @Inject
    Pool pool;
    @Inject
    LicenseService license;
    @Inject
    TestClock clock;
    @Inject
    UsageRecorder recorder;

    @BeforeEach
    void knownUsage() {
        Licenses.remove(pool, license);
        Licenses.installGenerous();
        Db.rows(pool, "delete from usage_days");
        Db.rows(pool, "delete from edge_instance_sightings");
        Db.rows(pool, "insert into usage_days (day, seats, read_only_seats, recorded_at) values "
                + "('2026-10-01', 3, 2, now()), ('2026-10-20', 3, 2, now()),"
                + "('2026-11-01', 3, 2, now()), ('2026-11-10', 5, 2, now()), ('2026-11-20', 4, 1, now())");
        Db.rows(pool, "insert into edge_instance_sightings (bucket_start, instance_id) values "
                + "('2026-10-03T10:00:00Z', 'a'), ('2026-10-03T10:05:00Z', 'a'), ('2026-10-03T10:05:00Z', 'b'),"
                + "('2026-11-03T10:00:00Z', 'a'), ('2026-11-04T10:00:00Z', 'a'), ('2026-11-05T10:00:00Z', 'a'),"
                + "('2026-11-05T10:00:00Z', 'b')");
        clock.freezeAt(Instant.parse("2026-12-15T12:00:00Z"));
        record();
    }

    /** As the scheduler runs it: on a Vert.x context. */
    private void record() {
        try {
            VertxContextSupport.subscribeAndAwait(() -> recorder.recordToday());
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void oneStatementPerMonthNewestFirstWithExactTotals() {
        List<Map<String, Object>> list = admin().get("/api/admin/invoices").then().statusCode(200).extract().jsonPath()
                .getList("$");
        assertEquals(3, list.size(), list.toString());
        assertEquals(List.of("estimate", "final", "final"), list.stream().map(i -> i.get("status")).toList());
        assertEquals(Map.of("amountFormatted", "€ 87.50", "paid", false, "status", "final", "dueDate", "2026-11-14",
                "invoiceURL", RestAssured.baseURI + ":" + RestAssured.port + "/api/admin/invoices/2026-10",
                "invoicePDF", RestAssured.baseURI + ":" + RestAssured.port + "/api/admin/invoices/2026-10/pdf"),
                list.get(2));
        // November: highest daily seat count 5 (75.00), read-only 2 (10.00), Edge 1.33 (13.30) = 98.30; tax 24.575 → 24.58.
        assertEquals("€ 122.88", list.get(1).get("amountFormatted"));

        JsonPath detailed = admin().get("/api/admin/invoices/list").then().statusCode(200).extract().jsonPath();
        assertEquals(1500, detailed.getInt("planPrice"));
        assertEquals("EUR", detailed.getString("planCurrency"));
        assertEquals(null, detailed.getString("message"));
        Map<String, Object> november = detailed.getMap("invoices[1]");
        assertEquals("2026-11", november.get("id"));
        assertEquals("November 2026", november.get("monthText"));
        assertEquals(9830, november.get("subtotal"));
        assertEquals(2458, november.get("taxAmount"));
        assertEquals(12288, november.get("totalAmount"));
        assertEquals(List.of(5, 2), detailed.getList("invoices[1].mainLines.quantity"));
        assertEquals(List.of(7500, 1000), detailed.getList("invoices[1].mainLines.totalAmount"));
        assertEquals(List.of(1500, 500), detailed.getList("invoices[1].mainLines.unitPrice"));
        assertEquals(1.33f, ((Number) detailed.getList("invoices[1].usageLines.quantity").get(0)).floatValue());
        assertEquals(List.of(1330), detailed.getList("invoices[1].usageLines.totalAmount"));
        assertEquals(List.of("seats", "read-only-seats"), detailed.getList("invoices[1].mainLines.lookupKey"));
        // October: 3 × 15.00 + 2 × 5.00 + 1.5 × 10.00 = 70.00, tax 17.50.
        assertEquals(7000, detailed.getInt("invoices[2].subtotal"));
        assertEquals(8750, detailed.getInt("invoices[2].totalAmount"));

        // December, the current month: what has been recorded so far (today's count, as the license counts seats).
        long seats = Db.count(pool, "select count(*) from users where root_role <> 'Viewer' and "
                + "(deleted_at is null or deleted_at > now() - interval '30 days')");
        assertEquals("estimate", detailed.getString("invoices[0].status"));
        assertEquals((int) seats, detailed.getList("invoices[0].mainLines.quantity").get(0));

        // One month alone is the same object as in the list.
        assertEquals(november,
                admin().get("/api/admin/invoices/2026-11").then().statusCode(200).extract().jsonPath().getMap("$"));
    }

    @Test
    void pdfSaysWhatTheJsonSays() throws Exception {
        Response response = admin().get("/api/admin/invoices/2026-11/pdf");
        response.then().statusCode(200).contentType("application/pdf");
        byte[] pdf = response.asByteArray();
        String text;
        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertEquals(1, document.getNumberOfPages());
            text = new PDFTextStripper().getText(document);
        }
        for (String expected : List.of("Flagward usage statement", "November 2026 (2026-11)", "Status: final",
                "Seats (Admins and Editors, highest daily count) 5 € 15.00 € 75.00",
                "Read-only seats (Viewers, highest daily count) 2 € 5.00 € 10.00",
                "Edge instances (monthly average) 1.33 € 10.00 € 13.30",
                "Subtotal € 98.30", "Tax (25 %) € 24.58", "Total € 122.88", "Due: 2026-12-14")) {
            assertTrue(text.contains(expected), "'" + expected + "' in:\n" + text);
        }
        String instanceId = Db.rows(pool, "select instance_id from instance").get(0).getString(0);
        assertTrue(text.contains(instanceId));
        try (PDDocument december = Loader.loadPDF(admin().get("/api/admin/invoices/2026-12/pdf").then().statusCode(200)
                .extract().asByteArray())) {
            assertTrue(new PDFTextStripper().getText(december).contains("Status: estimate"));
        }
    }

    @Test
    void unknownAndMalformedIds() {
        error(admin().get("/api/admin/invoices/2026-09").then(), 404, "NotFoundError");
        error(admin().get("/api/admin/invoices/2027-01").then(), 404, "NotFoundError");
        error(admin().get("/api/admin/invoices/2026-09/pdf").then(), 404, "NotFoundError");
        for (String id : List.of("2026-13", "2026-1", "november", "2026-11-01")) {
            error(admin().get("/api/admin/invoices/" + id).then(), 400, "BadDataError");
        }
        error(admin().get("/api/admin/invoices/2026-00/pdf").then(), 400, "BadDataError");
    }

    @Test
    void daysAreRecordedOnceAtTheirHighest() {
        clock.freezeAt(Instant.parse("2026-12-20T08:00:00Z"));
        record();
        long before = Db.rows(pool, "select seats from usage_days where day = '2026-12-20'").get(0).getLong(0);
        // Created, not signed in: a sign-in under the frozen clock would date login history in the future.
        long editor = Users.create(Api.unique("seat"), "Editor");
        // Two replicas recording the same day: one row, at the day's highest.
        record();
        record();
        assertEquals(1, Db.count(pool, "select count(*) from usage_days where day = '2026-12-20'"));
        assertEquals(before + 1,
                Db.rows(pool, "select seats from usage_days where day = '2026-12-20'").get(0).getLong(0));
        // Deleted the same day: a deleted user still holds a seat for 30 days (the license's rule), and a lower count never lowers the day.
        admin().delete("/api/admin/user-admin/" + editor).then().statusCode(200);
        Db.rows(pool, "update users set deleted_at = now() - interval '40 days' where id = $1", editor);
        record();
        assertEquals(before + 1,
                Db.rows(pool, "select seats from usage_days where day = '2026-12-20'").get(0).getLong(0));
        assertEquals(LocalDate.parse("2026-12-20"),
                Db.rows(pool, "select max(day) from usage_days").get(0).getLocalDate(0));
    }

    @Test
    void enterpriseAndAdminOnly() {
        clock.reset(); // the editor signs in: at the real time, not the frozen one
        Users.TestUser editor = Users.withRole("Editor");
        for (String path : List.of("", "/list", "/2026-11", "/2026-11/pdf")) {
            error(RestAssured.given().get("/api/admin/invoices" + path).then(), 401, "AuthenticationRequired");
            error(as(editor.pat()).get("/api/admin/invoices" + path).then(), 403, "PermissionError");
        }
        Licenses.remove(pool, license);
        for (String path : List.of("", "/list", "/2026-11", "/2026-11/pdf")) {
            error(admin().get("/api/admin/invoices" + path).then(), 403, "LicenseError");
        }
    }
}
