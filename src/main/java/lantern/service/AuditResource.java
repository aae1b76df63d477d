package lantern.service;

import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import lantern.eval.audit.AuditEvent;
import lantern.eval.audit.AuditJobs;
import lantern.eval.audit.AuditReport;
import lantern.api.audit.AuditStatus;
import lantern.eval.audit.HtmlReport;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.Map;

/** Batch audits: submit, follow (status, server-sent events), cancel, report (JSON or a self-contained HTML page). */
@Path("/api/audits")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    @Inject
    AuditService audits;
    @Inject
    AuditEstimator estimates;

    /** The body of {@code POST /api/audits/{id}/resume}: the new, higher budget. */
    public record ResumeRequest(AuditSubmission.Budget budget) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(AuditSubmission body) {
        if (body == null) throw new lantern.errors.InvalidInputException("body must be a JSON object like {\"model\":\"minilm-l6\",\"layers\":[0]}");
        if (body.isDryRun()) return Response.ok(estimates.estimate(body.toRequest())).build();
        String id = audits.submit(body.toRequest());
        return Response.accepted(Map.of("id", id)).location(java.net.URI.create("/api/audits/" + id)).build();
    }

    @GET
    public List<AuditStatus> list() {
        return audits.jobs().list();
    }

    @GET
    @Path("/{id}")
    public AuditStatus status(@PathParam("id") String id) {
        return audits.jobs().status(id);
    }

    /** Resumes a budget-exhausted audit with a higher budget; what it did is kept. */
    @POST
    @Path("/{id}/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    public AuditStatus resume(@PathParam("id") String id, ResumeRequest body) {
        if (body == null || body.budget() == null) throw new lantern.errors.InvalidInputException("body must be like {\"budget\": {\"maxTokens\": 200000}}");
        return audits.jobs().resume(id, body.budget().toBudget());
    }

    @DELETE
    @Path("/{id}")
    public AuditStatus cancel(@PathParam("id") String id) {
        return audits.jobs().cancel(id);
    }

    /** Progress as server-sent events: the current status first, then one event per finished feature, then the end state. */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<AuditEvent> events(@PathParam("id") String id) {
        AuditJobs jobs = audits.jobs();
        AuditStatus first = jobs.status(id); // unknown id: 404 before the stream opens
        return Multi.createFrom().emitter(em -> {
            em.emit(new AuditEvent("state", null, null, first));
            if (first.state().finished()) {
                em.complete();
                return;
            }
            AutoCloseable handle = jobs.listen(id, event -> {
                em.emit(event);
                if (event.type().equals("state") && event.status().state().finished()) em.complete();
            });
            em.onTermination(() -> {
                try {
                    handle.close();
                } catch (Exception ignored) {
                    // removing a listener cannot fail
                }
            });
            AuditStatus now = jobs.status(id); // it may have ended before the listener was in place
            if (now.state().finished()) {
                em.emit(new AuditEvent("state", null, null, now));
                em.complete();
            }
        });
    }

    @GET
    @Path("/{id}/report")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Response report(@PathParam("id") String id, @QueryParam("format") String format, @jakarta.ws.rs.core.Context HttpHeaders headers) {
        AuditReport report = AuditReport.of(audits.jobs().results(id));
        boolean html;
        if (format != null && !format.isBlank()) {
            html = switch (format) {
                case "html" -> true;
                case "json" -> false;
                default -> throw new lantern.errors.InvalidInputException("format must be json or html: " + format);
            };
        } else {
            html = headers.getAcceptableMediaTypes().stream().anyMatch(t -> t.isCompatible(MediaType.TEXT_HTML_TYPE) && !t.isWildcardType());
        }
        return html ? Response.ok(HtmlReport.render(report), MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).build()
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
