package dev.flagward.invoice;

import dev.flagward.invoice.InvoiceApi.DetailedInvoice;
import dev.flagward.invoice.InvoiceApi.DetailedInvoices;
import dev.flagward.invoice.InvoiceApi.InvoiceSummary;
import dev.flagward.security.access.Access;
import dev.flagward.security.access.Enterprise;
import dev.flagward.security.keys.InstanceKeys;
import dev.flagward.security.principal.Permission;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/admin/invoices")
@Enterprise
@Tag(name = "Invoices", description = "Monthly usage statements from recorded usage and configured prices")
public class InvoiceResource {

    @Inject
    InvoiceService invoices;
    @Inject
    InstanceKeys instance;

    @Inject
    MeterRegistry registry;

    private void count(String format) {
        registry.counter("flagward.invoices.requests", "format", format).increment();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInvoices", summary = "Get Invoices: one usage statement per month, newest first")
    public Uni<List<InvoiceSummary>> list(@Context UriInfo uri) {
        count("list");
        return invoices.all(uri.getBaseUri().toString()).map(all -> all.stream().map(invoice -> new InvoiceSummary(
                invoice.amountFormatted(), invoice.paid(), invoice.status(), invoice.dueDate(), invoice.invoiceURL(),
                invoice.invoicePDF())).toList());
    }

    @GET
    @Path("/list")
    @Produces(MediaType.APPLICATION_JSON)
    @Access(Permission.ADMIN)
    @Operation(operationId = "getDetailedInvoices", summary = "Get Detailed Invoices: lines and totals in minor units")
    public Uni<DetailedInvoices> detailed(@Context UriInfo uri) {
        count("detailed");
        return invoices.all(uri.getBaseUri().toString()).map(all -> new DetailedInvoices(all, invoices.planPrice(),
                invoices.currency(), invoices.message()));
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInvoice", summary = "One month's usage statement (id: YYYY-MM)")
    public Uni<DetailedInvoice> one(@PathParam("id") String id, @Context UriInfo uri) {
        count("json");
        return invoices.one(id, uri.getBaseUri().toString());
    }

    @GET
    @Path("/{id}/pdf")
    @Produces("application/pdf")
    @Access(Permission.ADMIN)
    @Operation(operationId = "getInvoicePdf", summary = "One month's usage statement as a one-page PDF")
    public Uni<Response> pdf(@PathParam("id") String id, @Context UriInfo uri) {
        count("pdf");
        return invoices.one(id, uri.getBaseUri().toString())
                // Rendering is CPU work of a few milliseconds: off the event loop.
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(invoice -> Response
                        .ok(StatementPdf.render(invoice, instance.instanceId(), invoices::format), "application/pdf")
                        .header(HttpHeaders.CONTENT_DISPOSITION,
                                "inline; filename=\"flagward-statement-" + invoice.id() + ".pdf\"")
                        .build());
    }
}
