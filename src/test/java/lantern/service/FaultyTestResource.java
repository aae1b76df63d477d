package lantern.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test only: a route with a bug, to show that an internal error is a 500 with an error id, not the caller's 400. */
@Path("/test-only/faulty")
public class FaultyTestResource {
    @GET
    public String fail() {
        throw new IllegalArgumentException("an internal invariant broke: index -1");
    }
}
