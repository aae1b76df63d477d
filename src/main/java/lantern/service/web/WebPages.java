package lantern.service.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The web viewer's pages. Each URL answers the same small HTML shell naming its page; the page's script
 * ({@code /web/*.js}) reads the state from the URL, calls the REST API and renders. Assets are served from this
 * jar and from Maven webjars (uPlot), so the viewer works offline.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class WebPages {
    /** The uPlot webjar's version (pom.xml); its files are served from {@code /webjars/uplot/VERSION/dist/}. */
    static final String UPLOT = "1.6.30";
    private static final String SHELL = read("/web/shell.html");

    @GET
    public Response home() {
        return page("home", "Lantern", false);
    }

    @GET
    @Path("features/{id: .+}")
    public Response feature(@PathParam("id") String id) {
        return page("feature", "Feature " + id, true);
    }

    /** A model's facts and its attention-head roles (layer × head tables). */
    @GET
    @Path("models/{id: .+}")
    public Response model(@PathParam("id") String id) {
        return page("model", "Model " + id, false);
    }

    /** The stored attribution graphs. */
    @GET
    @Path("graphs")
    public Response graphs() {
        return page("graphs", "Attribution graphs", false);
    }

    /** One attribution graph drawn by layer and position. */
    @GET
    @Path("graphs/{id}")
    public Response graph(@PathParam("id") String id) {
        return page("graph", "Graph " + id, false);
    }

    @GET
    @Path("search")
    public Response search() {
        return page("search", "Search", false);
    }

    @GET
    @Path("audits")
    public Response audits() {
        return page("audits", "Audits", false);
    }

    @GET
    @Path("audits/{id}")
    public Response audit(@PathParam("id") String id) {
        return page("audit", "Audit " + id, false);
    }

    @GET
    @Path("lens")
    public Response lens() {
        return page("lens", "Logit lens", true);
    }

    @GET
    @Path("patchscopes")
    public Response patchscopes() {
        return page("patchscopes", "Patchscopes", true);
    }

    @GET
    @Path("verbalize")
    public Response verbalize() {
        return page("verbalize", "Verbalize a hidden state", false);
    }

    @GET
    @Path("generate")
    public Response generate() {
        return page("generate", "Generate", false);
    }

    @GET
    @Path("knowledge")
    public Response knowledge() {
        return page("knowledge", "Knowledge neurons", false);
    }

    @GET
    @Path("steer")
    public Response steer() {
        return page("steer", "Steering", false);
    }

    @GET
    @Path("function-vectors")
    public Response functionVectors() {
        return page("function-vectors", "Function vectors", false);
    }

    @GET
    @Path("lre")
    public Response lre() {
        return page("lre", "Linear relational embeddings", false);
    }

    private static Response page(String name, String title, boolean charts) {
        String chartTags = charts
                ? "<link rel=\"stylesheet\" href=\"/webjars/uplot/" + UPLOT + "/dist/uPlot.min.css\">\n"
                + "<script src=\"/webjars/uplot/" + UPLOT + "/dist/uPlot.iife.min.js\" defer></script>"
                : "";
        String html = SHELL.replace("{{title}}", lantern.eval.audit.HtmlReport.esc(title)).replace("{{page}}", name)
                .replace("{{charts}}", chartTags);
        return Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .header("Cache-Control", "no-cache").build();
    }

    private static String read(String resource) {
        try (InputStream in = WebPages.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
