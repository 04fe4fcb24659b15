package dev.flagward.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** 201 responses. The Location header is written as given (JAX-RS would resolve a relative URI against the root). */
public final class Created {

    private Created() {
    }

    public static Response at(String location, Object entity) {
        return Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, location).entity(entity).build();
    }
}
