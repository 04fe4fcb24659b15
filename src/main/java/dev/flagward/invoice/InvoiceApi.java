package dev.flagward.invoice;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/** The wire shapes of SPEC §8.2: Unleash's invoice list, and its detailed invoices schema. Amounts in minor units. */
public final class InvoiceApi {

    private InvoiceApi() {
    }

    /** {@code GET /api/admin/invoices}: Unleash's array items. */
    public record InvoiceSummary(@Schema(required = true) String amountFormatted, @Schema(required = true) boolean paid,
            @Schema(required = true) String status, @Schema(required = true) String dueDate,
            @Schema(required = true) String invoiceURL, @Schema(required = true) String invoicePDF) {}

    public record InvoiceLine(String currency, String description, String lookupKey, BigDecimal quantity,
            BigDecimal consumption, long unitPrice, long totalAmount) {}

    /** One statement: {@code GET /api/admin/invoices/{id}} and the items of {@code /list}. */
    public record DetailedInvoice(String id, String status, String invoiceDate, String dueDate, String monthText,
            String currency, List<InvoiceLine> mainLines, List<InvoiceLine> usageLines,
            long subtotal, BigDecimal taxPercentage, long taxAmount, long totalAmount,
            String amountFormatted, boolean paid, String invoiceURL, String invoicePDF,
            String message) {}

    /** {@code GET /api/admin/invoices/list}. */
    public record DetailedInvoices(List<DetailedInvoice> invoices, long planPrice, String planCurrency,
            String message) {}
}
