package lantern.eval.audit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decoder feature's output side (output score, promoted tokens, the ones the label names) stays beside its label
 * in every form an audit writes: the progress log (which old lines without it still load), the JSON report and the
 * HTML report; an encoder audit's reports have no output column.
 */
class AuditOutputSideTest {
    @TempDir
    Path dir;

    /** Feature n promotes 'ot' clearly when n is even; odd ones name nothing and say why; feature 3 has no output side. */
    static FeatureResult work(String featureId) {
        int n = Integer.parseInt(featureId.substring(featureId.lastIndexOf('/') + 1));
        boolean clear = n % 2 == 0;
        String label = "the token 'ne'" + (clear ? "; promotes 'ot'" : "");
        FeatureResult r = new FeatureResult(label, "statistical", 1 - n / 50.0, null, null, null, 2, List.of("ne"));
        if (n == 3) return r;
        return r.withOutput(new FeatureResult.Output(clear ? 0.9 - n / 100.0 : -0.25, clear ? 0.04 : 0.001,
                List.of("ot", "ion", "<b>x</b>"), clear ? List.of("ot") : List.of(),
                clear ? null : "amplified, its promoted tokens gain 0.0010 in probability (less than 0.01)"));
    }

    @Test
    void theOutputScoreAndPromotedTokensStayBesideTheLabelInTheLogAndBothReports() throws Exception {
        try (AuditJobs jobs = new AuditJobs(dir, AuditJobsTest.SPACE, (r, f) -> work(f))) {
            String id = jobs.submit(AuditJobsTest.request("\"0-5\"", 1, List.of(0)));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();

            // the log: each line keeps it, and reads back equal
            List<ProgressEntry> logged = ProgressLog.read(dir.resolve(id).resolve("progress.log"));
            assertThat(logged).hasSize(6);
            ProgressEntry zero = logged.stream().filter(e -> e.feature().endsWith("/0")).findFirst().orElseThrow();
            assertThat(zero.result()).isEqualTo(work(zero.feature()));
            assertThat(zero.result().output().score()).isEqualTo(0.9);
            assertThat(Files.readString(dir.resolve(id).resolve("progress.log")))
                    .contains("\"output\":{\"score\":0.9,\"gain\":0.04,\"promotes\":[\"ot\",\"ion\",\"<b>x</b>\"],\"named\":[\"ot\"],\"reason\":null}");

            AuditReport report = AuditReport.of(jobs.results(id));
            AuditReport.FeatureLine best = report.best().getFirst();
            assertThat(best.feature()).isEqualTo("toy/0/mlp/0");
            assertThat(best.explanation()).isEqualTo("the token 'ne'; promotes 'ot'");
            assertThat(best.output().score()).isEqualTo(0.9);
            assertThat(best.output().promotes()).containsExactly("ot", "ion", "<b>x</b>");
            assertThat(best.output().named()).containsExactly("ot");
            AuditReport.FeatureLine one = report.best().stream().filter(l -> l.feature().endsWith("/1")).findFirst().orElseThrow();
            assertThat(one.output().named()).isEmpty();
            assertThat(one.output().reason()).contains("less than 0.01");
            assertThat(report.best().stream().filter(l -> l.feature().endsWith("/3")).findFirst().orElseThrow().output()).isNull();

            // the JSON report (what GET /api/audits/{id}/report returns) carries it per line
            JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(report));
            JsonNode line = json.get("best").get(0);
            assertThat(line.get("output").get("score").asDouble()).isEqualTo(0.9);
            assertThat(line.get("output").get("promotes").get(0).asText()).isEqualTo("ot");

            // the HTML report: an output column with the score and the tokens, escaped
            String html = HtmlReport.render(report);
            assertThat(html).contains("<th>Output score</th><th>Promotes</th>");
            assertThat(html).contains("named: &#39;ot&#39; (of &#39;ot&#39; · &#39;ion&#39; · &#39;&lt;b&gt;x&lt;/b&gt;&#39;)")
                    .contains(">0.900<").contains("(not named: amplified, its promoted tokens gain 0.0010 in probability (less than 0.01))")
                    .doesNotContain("<b>x</b>");
        }
    }

    @Test
    void anEncoderAuditHasNoOutputColumnAndOldLinesLoadWithoutOne() throws Exception {
        try (AuditJobs jobs = new AuditJobs(dir, AuditJobsTest.SPACE,
                (r, f) -> new FeatureResult("commas", "statistical", 0.5, null, null, null, 2, List.of(",")))) {
            String id = jobs.submit(AuditJobsTest.request("\"0-2\"", 1, List.of(0)));
            assertThat(jobs.awaitFinished(id, Duration.ofSeconds(30))).isTrue();
            AuditReport report = AuditReport.of(jobs.results(id));
            assertThat(report.best()).allMatch(l -> l.output() == null);
            assertThat(HtmlReport.render(report)).doesNotContain("Output score");
        }
        Path log = dir.resolve("old.log");
        Files.writeString(log, """
                {"feature":"toy/0/mlp/1","ok":true,"result":{"explanation":"commas","explainer":"statistical","simulation":0.5,"detection":0.7,"embeddingScore":0.6,"causal":0.2,"maxActivation":2.0,"topTokens":[","],"simulator":"statistical","usage":null,"inputTokens":null,"outputTokens":null,"dead":false,"tokens":null},"error":null,"finishedAt":1}
                """);
        assertThat(ProgressLog.read(log).getFirst().result().output()).isNull();
    }
}
