package lantern.service.web;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** The viewer's pages and assets are served by the app itself (no browser needed; WebViewerBrowserTest drives them). */
@QuarkusTest
class WebPagesTest {
    @Test
    void everyPageAnswersItsShellWithItsScript() {
        String[][] pages = {{"/", "home"}, {"/features/minilm-l6/3/mlp/17", "feature"}, {"/search?q=x", "search"},
                {"/audits", "audits"}, {"/audits/abc", "audit"}, {"/lens", "lens"}, {"/patchscopes", "patchscopes"},
                {"/steer", "steer"}, {"/models/minilm-l6", "model"}, {"/graphs", "graphs"}, {"/graphs/abc", "graph"}};
        for (String[] p : pages) {
            given().accept("text/html").get(p[0]).then().statusCode(200).contentType(containsString("text/html"))
                    .body(containsString("<body data-page=\"" + p[1] + "\">"))
                    .body(containsString("<script src=\"/web/" + p[1] + ".js\" defer></script>"))
                    .body(containsString("<main id=\"main\""));
            given().get("/web/" + p[1] + ".js").then().statusCode(200).body(containsString("L.page("));
        }
        given().get("/web/app.js").then().statusCode(200);
        given().get("/web/lantern.css").then().statusCode(200);
        given().get("/web/circuits.css").then().statusCode(200);
    }

    @Test
    void chartLibraryComesFromItsWebjarAndOnlyChartPagesLoadIt() {
        given().get("/features/minilm-l6/3/mlp/17").then().body(containsString("/webjars/uplot/" + WebPages.UPLOT + "/dist/uPlot.iife.min.js"));
        given().get("/search").then().body(not(containsString("uPlot")));
        given().get("/webjars/uplot/" + WebPages.UPLOT + "/dist/uPlot.iife.min.js").then().statusCode(200)
                .body(containsString("uPlot"));
        given().get("/webjars/uplot/" + WebPages.UPLOT + "/dist/uPlot.min.css").then().statusCode(200);
    }

    @Test
    void titlesAreEscaped() {
        given().get("/audits/{id}", "<script>").then().statusCode(200)
                .body(containsString("<title>Audit &lt;script&gt; · Lantern</title>"))
                .body(not(containsString("<title>Audit <script>")));
    }

    @Test
    void collectionsAreListed() {
        given().get("/api/collections").then().statusCode(200).body("$", instanceOf(java.util.List.class));
    }
}
