package dev.flagward.invoice;

import dev.flagward.invoice.InvoiceApi.DetailedInvoice;
import dev.flagward.invoice.InvoiceApi.InvoiceLine;
import dev.flagward.license.LicenseService;
import dev.flagward.web.ApiException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Monthly usage statements (SPEC §8.2) from recorded usage ({@link UsageRecorder}'s daily seats, the license's Edge
 * instance buckets) and configured prices. Statements, not payment: nothing is ever paid here.
 */
@Singleton
public class InvoiceService {

    static final String NO_PRICES = "No prices are configured (FLAGWARD_BILLING_SEAT_PRICE, "
            + "FLAGWARD_BILLING_READ_ONLY_SEAT_PRICE, FLAGWARD_BILLING_EDGE_INSTANCE_PRICE): amounts are zero.";
    private static final Pattern MONTH = Pattern.compile("^[0-9]{4}-(0[1-9]|1[0-2])$");
    private static final DateTimeFormatter MONTH_TEXT = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);

    private final Pool pool;
    private final LicenseService license;
    private final Prices prices;
    private final Clock clock;

    public InvoiceService(Pool pool, LicenseService license, BillingConfig config, Clock clock) {
        this.pool = pool;
        this.license = license;
        this.prices = Prices.from(config);
        this.clock = clock;
    }

    /** Wrong prices stop the start, not the first statement. */
    void onStart(@Observes StartupEvent event) {
        prices.currency();
    }

    public String currency() {
        return prices.currency().getCurrencyCode();
    }

    public long planPrice() {
        return prices.seat();
    }

    public String message() {
        return prices.configured() ? null : NO_PRICES;
    }

    /** Every month from the first recorded usage to the current one, newest first. */
    public Uni<List<DetailedInvoice>> all(String baseUrl) {
        return usage().map(byMonth -> {
            YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
            YearMonth first = byMonth.keySet().stream().min(YearMonth::compareTo).orElse(current);
            List<DetailedInvoice> out = new ArrayList<>();
            for (YearMonth month = current; !month.isBefore(first); month = month.minusMonths(1)) {
                out.add(view(Statement.of(month, current, byMonth.getOrDefault(month, ZERO), prices), baseUrl));
            }
            return out;
        });
    }

    /** One month's statement: 400 for a malformed id, 404 before the first recorded usage or after this month. */
    public Uni<DetailedInvoice> one(String id, String baseUrl) {
        YearMonth month = parse(id);
        return all(baseUrl)
                .map(list -> list.stream().filter(invoice -> invoice.id().equals(month.toString())).findFirst()
                        .orElseThrow(() -> ApiException.notFound("There is no statement for " + month
                                + ": statements run from the first recorded usage to the current month.")));
    }

    static YearMonth parse(String id) {
        if (id == null || !MONTH.matcher(id).matches()) {
            throw ApiException.badData("A statement id is a month, YYYY-MM.", "/params/id");
        }
        try {
            return YearMonth.parse(id);
        } catch (DateTimeParseException e) {
            throw ApiException.badData("A statement id is a month, YYYY-MM.", "/params/id");
        }
    }

    private static final Statement.Usage ZERO = new Statement.Usage(0, 0, BigDecimal.ZERO);

    private Uni<Map<YearMonth, Statement.Usage>> usage() {
        return pool.query(
                "select to_char(day, 'YYYY-MM') as month, max(seats) as seats, max(read_only_seats) as read_only "
                        + "from usage_days group by 1")
                .execute()
                .chain(rows -> license.edgeInstanceMonthlyAverages().map(edges -> {
                    Map<YearMonth, Statement.Usage> out = new HashMap<>();
                    rows.forEach(row -> out.put(YearMonth.parse(row.getString("month")),
                            new Statement.Usage(row.getInteger("seats"), row.getInteger("read_only"),
                                    BigDecimal.ZERO)));
                    edges.forEach((month, average) -> out.merge(YearMonth.parse(month),
                            new Statement.Usage(0, 0, average),
                            (seats, edge) -> new Statement.Usage(seats.seats(), seats.readOnlySeats(),
                                    edge.edgeInstances())));
                    return out;
                }));
    }

    private DetailedInvoice view(Statement statement, String baseUrl) {
        return view(statement, prices, baseUrl);
    }

    /** A statement as the API (and its PDF) shows it; without prices it carries {@link #NO_PRICES}. */
    static DetailedInvoice view(Statement statement, Prices prices, String baseUrl) {
        String currency = prices.currency().getCurrencyCode();
        String url = baseUrl + "api/admin/invoices/" + statement.id();
        return new DetailedInvoice(statement.id(), statement.status(), statement.invoiceDate().toString(),
                statement.dueDate().toString(), statement.month().format(MONTH_TEXT), currency,
                lines(statement.mainLines(), currency), lines(statement.usageLines(), currency), statement.subtotal(),
                statement.taxPercent(), statement.tax(), statement.total(), prices.format(statement.total()), false,
                url,
                url + "/pdf", prices.configured() ? null : NO_PRICES);
    }

    private static List<InvoiceLine> lines(List<Statement.Line> lines, String currency) {
        return lines.stream()
                .map(line -> new InvoiceLine(currency, line.description(), line.lookupKey(), line.quantity(),
                        line.quantity(), line.unitPrice(), line.amount()))
                .toList();
    }

    String format(long minorUnits) {
        return prices.format(minorUnits);
    }
}
