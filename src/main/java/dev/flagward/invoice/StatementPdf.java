package dev.flagward.invoice;

import dev.flagward.invoice.InvoiceApi.DetailedInvoice;
import dev.flagward.invoice.InvoiceApi.InvoiceLine;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A one-page A4 usage statement rendered with PDFBox: the lines and totals of the JSON statement, in the standard
 * Helvetica fonts (no font files to ship). Text outside the fonts' WinAnsi set is written as '?'. Nothing is drawn
 * outside the margins: free text and descriptions wrap at spaces (a word longer than the line is broken), and
 * figures are right-aligned in their columns.
 */
final class StatementPdf {

    static final float MARGIN = 56;
    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float RIGHT = PAGE.getWidth() - MARGIN;
    /** Where the description column ends, and where each figure column (quantity, unit price, amount) ends. */
    private static final float DESCRIPTION_RIGHT = 322;
    private static final float[] FIGURE_RIGHT = {390, 465, RIGHT};
    private static final float ROW_SIZE = 10;
    private static final float ROW_LEADING = 14;

    private StatementPdf() {
    }

    static byte[] render(DetailedInvoice invoice, String instanceId, LongFunction<String> money) {
        PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage(PAGE);
            document.addPage(page);
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle("Flagward usage statement " + invoice.id());
            info.setCreator("Flagward");
            try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                Writer w = new Writer(text, page.getMediaBox().getHeight() - MARGIN);
                w.line(bold, 18, "Flagward usage statement");
                w.gap(6);
                w.line(regular, 10, "Period: " + invoice.monthText() + " (" + invoice.id() + ")");
                w.line(regular, 10, "Status: " + invoice.status() + ("estimate".equals(invoice.status())
                        ? " (the month is not over; figures can still change)"
                        : ""));
                w.line(regular, 10, "Statement date: " + invoice.invoiceDate() + "    Due: " + invoice.dueDate());
                w.line(regular, 10, "Instance: " + instanceId);
                w.line(regular, 10, "Currency: " + invoice.currency());
                w.gap(14);
                w.row(bold, "Description", "Quantity", "Unit price", "Amount");
                w.gap(2);
                for (InvoiceLine line : invoice.mainLines()) {
                    w.row(regular, line.description(), quantity(line.quantity()), money.apply(line.unitPrice()),
                            money.apply(line.totalAmount()));
                }
                w.gap(6);
                w.line(bold, 10, "Usage");
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
                w.line(regular, 8, "A statement of recorded usage, not a request for payment.");
                if (invoice.message() != null) {
                    w.line(regular, 8, invoice.message());
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

    static float width(PDFont font, float size, String printable) throws IOException {
        return font.getStringWidth(printable) / 1000 * size;
    }

    /**
     * The text as lines no wider than {@code maxWidth}: broken at spaces, and a word that is wider than a whole line
     * broken where it must. Printable already (see {@link #printable}), so widths are those of what is drawn.
     */
    static List<String> wrap(PDFont font, float size, String text, float maxWidth) throws IOException {
        String printable = printable(text);
        if (width(font, size, printable) <= maxWidth) {
            return List.of(printable); // as written, spacing included ("Statement date: …    Due: …")
        }
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String word : printable.strip().split(" +")) {
            while (width(font, size, word) > maxWidth) {
                int fits = 1;
                while (fits < word.length() && width(font, size, word.substring(0, fits + 1)) <= maxWidth) {
                    fits++;
                }
                if (!line.isEmpty()) {
                    lines.add(line);
                    line = "";
                }
                lines.add(word.substring(0, fits));
                word = word.substring(fits);
            }
            String longer = line.isEmpty() ? word : line + " " + word;
            if (width(font, size, longer) <= maxWidth) {
                line = longer;
            } else {
                lines.add(line);
                line = word;
            }
        }
        if (!line.isEmpty() || lines.isEmpty()) {
            lines.add(line);
        }
        return lines;
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

        /** Free text from the left margin, wrapped within the right one. */
        void line(PDType1Font font, float size, String value) throws IOException {
            for (String part : wrap(font, size, value, RIGHT - MARGIN)) {
                y -= size + 4;
                put(font, size, MARGIN, part);
            }
        }

        /**
         * A table row: the description wraps within its column; the figures align right in theirs (a figure wider than
         * its column grows to the left, never past the margin). Drawn left to right, line by line, so text extraction
         * reads a row in order.
         */
        void row(PDType1Font font, String description, String... figures) throws IOException {
            List<String> lines = wrap(font, ROW_SIZE, description, DESCRIPTION_RIGHT - MARGIN);
            y -= ROW_LEADING;
            put(font, ROW_SIZE, MARGIN, lines.get(0));
            for (int i = 0; i < figures.length; i++) {
                String figure = printable(figures[i]);
                put(font, ROW_SIZE, FIGURE_RIGHT[i] - width(font, ROW_SIZE, figure), figure);
            }
            for (String more : lines.subList(1, lines.size())) {
                y -= ROW_SIZE + 2;
                put(font, ROW_SIZE, MARGIN, more);
            }
        }

        private void put(PDType1Font font, float size, float x, String printable) throws IOException {
            if (printable.isEmpty()) {
                return;
            }
            stream.beginText();
            stream.setFont(font, size);
            stream.newLineAtOffset(x, y);
            stream.showText(printable);
            stream.endText();
        }
    }
}
