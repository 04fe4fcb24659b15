package dev.flagward.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.net.URI;

/**
 * Every rest-assured call of every {@code @QuarkusTest} is checked against the served OpenAPI document
 * ({@link Contract}); registered before each test (a service of {@link QuarkusTestBeforeEachCallback}).
 */
public final class ContractFilter implements OrderedFilter, QuarkusTestBeforeEachCallback {

    private static final ContractFilter INSTANCE = new ContractFilter();

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(INSTANCE)) {
            RestAssured.filters(INSTANCE);
        }
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification expected,
            FilterContext next) {
        Response response = next.next(request, expected);
        URI uri = URI.create(request.getURI());
        if (uri.getRawPath().startsWith("/q/")) {
            return response;
        }
        String base = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        Contract.of(base).check(request.getMethod(), uri.getRawPath(), response.statusCode(), response.contentType(),
                response.asString());
        return response;
    }

    @Override
    public int getOrder() {
        return OrderedFilter.LOWEST_PRECEDENCE;
    }
}
