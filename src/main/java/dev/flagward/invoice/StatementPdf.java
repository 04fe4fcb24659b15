package dev.flagward.invoice;

import dev.flagward.invoice.InvoiceApi.DetailedInvoice;
import dev.flagward.invoice.InvoiceApi.InvoiceLine;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.function.LongFunction;

/**
 * A one-page A4 usage statement rendered with PDFBox: the lines and totals of the JSON statement, in the standard
 * Helvetica fonts (no font files to ship). Text outside the fonts' WinAnsi set is written as '?'.
 */
final class StatementPdf {

    private static final float MARGIN = 56;
    private static final float[] COLUMNS = {MARGIN, 330, 410, 490};

    private StatementPdf() {
    }

    static byte[] render(DetailedInvoice invoice, String instanceId, LongFunction<String> money) {
        PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle("Flagward usage statement " + invoice.id());
            info.setCreator("Flagward");
            try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                Writer w = new Writer(text, page.getMediaBox().getHeight() - MARGIN);
                w.line(bold, 18, MARGIN, "Flagward usage statement");
                w.gap(6);
                w.line(regular, 10, MARGIN, "Period: " + invoice.monthText() + " (" + invoice.id() + ")");
                w.line(regular, 10, MARGIN, "Status: " + invoice.status() + ("estimate".equals(invoice.status())
                        ? " (the month is not over; figures can still change)" : ""));
                w.line(regular, 10, MARGIN, "Statement date: " + invoice.invoiceDate() + "    Due: " + invoice.dueDate());
                w.line(regular, 10, MARGIN, "Instance: " + instanceId);
                w.line(regular, 10, MARGIN, "Currency: " + invoice.currency());
                w.gap(14);
                w.row(bold, "Description", "Quantity", "Unit price", "Amount");
                w.gap(2);
                for (InvoiceLine line : invoice.mainLines()) {
                    w.row(regular, line.description(), quantity(line.quantity()), money.apply(line.unitPrice()),
                            money.apply(line.totalAmount()));
                }
                w.gap(6);
                w.line(bold, 10, MARGIN, "Usage");
                for (InvoiceLine line : invoice.usageLines()) {
                    w.row(regular, line.description(), quantity(line.quantity()), money.apply(line.unitPrice()),
                            money.apply(line.totalAmount()));
                }
                w.gap(14);
                w.row(regular, "Subtotal", "", "", money.apply(invoice.subtotal()));
                w.row(regular, "Tax (" + invoice.taxPercentage().stripTrailingZeros().toPlainString() + " %)", "", "",
                        money.apply(invoice.taxAmount()));
                w.row(bold, "Total", "", "", money.apply(invoice.totalAmount()));
                w.gap(20);
                w.line(regular, 8, MARGIN, "A statement of recorded usage, not a request for payment.");
                if (invoice.message() != null) {
                    w.line(regular, 8, MARGIN, invoice.message());
                }
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quantity(BigDecimal quantity) {
        return quantity.stripTrailingZeros().toPlainString();
    }

    /** Replaces what the standard fonts cannot show (WinAnsi: Latin-1 plus €, curly quotes, dashes). */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            boolean latin1 = c >= 0x20 && c <= 0xFF && !(c >= 0x7F && c <= 0x9F);
            out.append(latin1 || "€‘’“”–—•…".indexOf(c) >= 0 ? c : '?');
        }
        return out.toString();
    }

    private static final class Writer {
        private final PDPageContentStream stream;
        private float y;

        Writer(PDPageContentStream stream, float top) {
            this.stream = stream;
            this.y = top;
        }

        void gap(float points) {
            y -= points;
        }

        void line(PDType1Font font, float size, float x, String value) throws IOException {
            y -= size + 4;
            put(font, size, x, value);
        }

        void row(PDType1Font font, String... cells) throws IOException {
            y -= 14;
            for (int i = 0; i < cells.length; i++) {
                put(font, 10, COLUMNS[i], cells[i]);
            }
        }

        private void put(PDType1Font font, float size, float x, String value) throws IOException {
            if (value.isEmpty()) {
                return;
            }
            stream.beginText();
            stream.setFont(font, size);
            stream.newLineAtOffset(x, y);
            stream.showText(printable(value));
            stream.endText();
        }
    }
}
