package dev.flagward.web;

import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body limit for requests that declare no length (chunked): counts bytes as the body is read. Requests with a
 * Content-Length are refused earlier, in {@link RequestRules}, without reading anything.
 */
@Provider
public class BodyLimit implements ReaderInterceptor {

    /** Resolved on first use: RESTEasy creates interceptors at static init, before configuration mappings exist. */
    private volatile long limit = -1;

    private long limit() {
        if (limit < 0) {
            limit = ConfigProvider.getConfig().getValue("flagward.http.max-body-size", MemorySize.class).asLongValue();
        }
        return limit;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (context.getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH) == null) {
            context.setInputStream(new Counting(context.getInputStream(), limit()));
        }
        return context.proceed();
    }

    private static final class Counting extends FilterInputStream {

        private final long limit;
        private long read;

        Counting(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw ApiException.payloadTooLarge(limit);
            }
        }
    }
}
