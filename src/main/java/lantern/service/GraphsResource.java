package lantern.service;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import lantern.errors.InvalidInputException;
import lantern.api.graphs.GraphRequest;
import lantern.api.graphs.GraphSummary;
import lantern.core.AttributionGraphs;
import lantern.subject.circuits.GraphIntervention;
import lantern.subject.circuits.GraphStore;

import java.io.IOException;
import java.util.List;

/**
 * Attribution graphs: {@code POST /api/graphs} builds and stores one ({@link AttributionGraphs}), {@code GET
 * /api/graphs} lists them, {@code GET /api/graphs/{id}} is circuit-tracer's graph JSON, pruned unless
 * {@code ?pruned=false}, and {@code POST /api/graphs/{id}/intervene} scales feature nodes in the real model.
 */
@Path("/api/graphs")
@Produces(MediaType.APPLICATION_JSON)
public class GraphsResource {
    @Inject
    AttributionGraphs circuits;

    /** {@code nodes}: feature node ids ({@code {layer}_{index}_{pos}}); {@code scale}: 0 zeroes (default), 2 doubles. */
    public record InterveneRequest(List<String> nodes, Double scale, List<GraphIntervention.Change> changes) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public GraphSummary build(GraphRequest request) throws IOException {
        return circuits.build(request, null);
    }

    @GET
    public List<GraphStore.Summary> list() {
        return circuits.list();
    }

    @GET
    @Path("{id}")
    public StreamingOutput get(@PathParam("id") String id, @QueryParam("pruned") @DefaultValue("true") String pruned) {
        if (!pruned.equals("true") && !pruned.equals("false")) throw new InvalidInputException("pruned must be true or false");
        AttributionGraphs.GraphJsonWriter json = circuits.json(id, Boolean.parseBoolean(pruned));  // 404 before the body
        return json::writeTo;
    }

    @POST
    @Path("{id}/intervene")
    @Consumes(MediaType.APPLICATION_JSON)
    public GraphIntervention.Result intervene(@PathParam("id") String id, InterveneRequest r) {
        if (r == null) throw new InvalidInputException("request body is required");
        List<GraphIntervention.Change> changes = new java.util.ArrayList<>();
        if (r.changes() != null) changes.addAll(r.changes());
        if (r.nodes() != null) {
            double s = r.scale() == null ? 0 : r.scale();
            for (String n : r.nodes()) changes.add(new GraphIntervention.Change(n, s));
        }
        if (changes.isEmpty()) throw new InvalidInputException("give \"nodes\" (with \"scale\", default 0) or \"changes\"");
        return circuits.intervene(id, changes);
    }
}
