package dev.flagward.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statement page as a person sees it: the text extracted with the position of every glyph, which must lie within
 * the page's margins, and every sentence whole (wrapped lines read back as the sentence).
 */
class StatementPdfTest {

    /** Every glyph drawn, with its box, and the text in reading order. */
    private record Page(PDRectangle size, List<TextPosition> glyphs, String text) {

        /** The text with line breaks and runs of spaces as single spaces, as a reader joins wrapped lines. */
        String flowing() {
            return text.replaceAll("\\s+", " ");
        }
    }

    private static Page read(byte[] pdf) throws IOException {
        List<TextPosition> glyphs = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper() {

            @Override
            protected void writeString(String text, List<TextPosition> positions) throws IOException {
                glyphs.addAll(positions);
                super.writeString(text, positions);
            }
        };
        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertEquals(1, document.getNumberOfPages());
            String text = stripper.getText(document);
            return new Page(document.getPage(0).getMediaBox(), glyphs, text);
        }
    }

    private static void assertWithinMargins(Page page) {
        float left = StatementPdf.MARGIN;
        float right = page.size().getWidth() - StatementPdf.MARGIN;
        assertTrue(page.glyphs().size() > 100, "text extracted: " + page.text());
        for (TextPosition glyph : page.glyphs()) {
            String where = "'" + glyph.getUnicode() + "' at x " + glyph.getXDirAdj() + "–"
                    + (glyph.getXDirAdj() + glyph.getWidthDirAdj()) + ", y " + glyph.getYDirAdj();
            assertTrue(glyph.getXDirAdj() >= left - 0.01f, where + " is left of the margin " + left);
            assertTrue(glyph.getXDirAdj() + glyph.getWidthDirAdj() <= right + 0.01f,
                    where + " is right of the margin " + right);
            assertTrue(glyph.getYDirAdj() > 0 && glyph.getYDirAdj() < page.size().getHeight(),
                    where + " is off the page");
        }
    }

    private static Prices prices(String seat, String tax) {
        return Prices.from(new BillingConfig() {

            public String currency() {
                return "EUR";
            }
            public Optional<String> seatPrice() {
                return Optional.ofNullable(seat);
            }
            public Optional<String> readOnlySeatPrice() {
                return Optional.ofNullable(seat);
            }
            public Optional<String> edgeInstancePrice() {
                return Optional.ofNullable(seat);
            }
            public Optional<String> taxPercent() {
                return Optional.ofNullable(tax);
            }
        });
    }

    private static Statement statement(Prices prices, Statement.Usage usage) {
        return Statement.of(YearMonth.of(2026, 11), YearMonth.of(2026, 12), usage, prices);
    }

    /** As the API renders it: the statement's detailed view (the one the JSON shows), then the page. */
    private static byte[] render(Prices prices, Statement statement, String instanceId) {
        return StatementPdf.render(InvoiceService.view(statement, prices, "http://localhost:8080/"), instanceId,
                prices::format);
    }

    @Test
    void withoutPricesTheWholeNoticeIsOnThePageWithinTheMargins() throws IOException {
        Prices none = prices(null, null);
        Page page = read(render(none, statement(none, new Statement.Usage(7, 3, new BigDecimal("2.50"))),
                "4f1c2a9e-0d3b-4c55-9a61-2b7e8f0c1d23"));
        assertWithinMargins(page);
        assertTrue(page.flowing().contains(InvoiceService.NO_PRICES), "the whole notice in:\n" + page.text());
        assertTrue(page.flowing().contains("A statement of recorded usage, not a request for payment."));
        assertTrue(page.flowing().contains("Seats (Admins and Editors, highest daily count) 7 € 0.00 € 0.00"),
                page.text());
        assertTrue(page.text().contains("Statement date: 2026-11-30    Due: 2026-12-14"),
                "short lines keep their spacing: " + page.text());
    }

    @Test
    void longWordsDescriptionsAndLargeAmountsStayWithinTheMargins() throws IOException {
        // An instance id without spaces wider than the page, and amounts in the hundreds of millions.
        String instanceId = "instance-" + "x".repeat(150);
        Prices high = prices("999999.99", "25");
        Statement statement = statement(high, new Statement.Usage(900, 900, new BigDecimal("900.5")));
        Page page = read(render(high, statement, instanceId));
        assertWithinMargins(page);
        assertTrue(page.text().replaceAll("\\s+", "").contains("Instance:" + instanceId), page.text());
        assertTrue(high.format(statement.total()).length() > 14, high.format(statement.total()));
        assertTrue(page.flowing().contains("Total " + high.format(statement.total())), page.text());
    }
}
