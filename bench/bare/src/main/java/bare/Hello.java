package bare;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

@Path("/hello")
public class Hello {

    @GET
    public Uni<String> hello() {
        return Uni.createFrom().item("hello");
    }
}
