package lantern.eval.audit;

import lantern.api.audit.AuditSpend;
import lantern.eval.audit.AuditReport;
import lantern.api.audit.AuditStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link AuditReport} as one self-contained HTML page (inline CSS and SVG, no scripts, no external
 * resources). Every piece of text from the model or the request is escaped.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(AuditReport r) {
        StringBuilder h = new StringBuilder(16_384);
        AuditStatus s = r.status();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lantern audit ")
                .append(esc(s.id())).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}")
                .append("th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}")
                .append(".grid{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid #ddd;border-radius:6px;padding:.5em}")
                .append("svg text{font-size:10px;fill:#444}code{font-size:90%}.ci-note{color:#555}")
                .append("</style></head><body>");
        h.append("<h1>Audit ").append(esc(s.id())).append("</h1>");
        h.append("<p>Model <code>").append(esc(r.request().model())).append("</code>, kind <code>")
                .append(esc(r.request().kind())).append("</code>, explainer <code>").append(esc(r.request().explainer()))
                .append("</code>, simulator <code>").append(esc(r.request().simulator())).append("</code>.</p>");
        boolean causal = r.request().causal();
        h.append("<table><tr><th>State</th><th>Done</th><th>Failed</th><th>Total</th><th>Scored</th><th>Dead</th><th>Mean score</th>")
                .append(causal ? "<th>Mean causal</th><th>Simulation–causal r</th>" : "").append("<th>Started</th></tr><tr>")
                .append(td(s.state().json())).append(num(s.done())).append(num(s.failed())).append(num(s.total()))
                .append(num(r.scored())).append(num(r.dead().size())).append(num(fmt(r.meanScore())))
                .append(causal ? num(fmt(r.meanCausal())) + num(fmt(r.causalCorrelation())) : "")
                .append(td(s.startedAt() == null ? "" : s.startedAt())).append("</tr></table>");
        AuditSpend spent = s.spent();
        if (spent != null && (spent.tokens() > 0 || spent.budget().limited())) {
            h.append("<p>LLM spend: ").append(spent.inputTokens()).append(" input + ").append(spent.outputTokens())
                    .append(" output tokens").append(spent.cost() == null ? "" : String.format(java.util.Locale.ROOT, ", cost %.4f", spent.cost()))
                    .append(spent.budget().maxTokens() == null ? "" : "; token budget " + spent.budget().maxTokens())
                    .append(spent.budget().maxCost() == null ? "" : "; cost budget " + spent.budget().maxCost())
                    .append(" (per feature in the JSON report, <code>spending</code>).</p>");
        }

        h.append(intervalNote(r.intervals()));
        h.append("<h2>Interpretability by layer</h2>").append(meanByLayer(r)).append(intervalsByLayer(r));
        if (causal) h.append(causalByLayer(r));
        h.append("<h2>Sorted scores with 95% intervals per layer</h2><p class=\"ci-note\">Each dot is a feature's simulation score, ")
                .append("best first; its bar the 95% interval (seeded bootstrap over the scoring windows). Dashed line: ")
                .append(AuditReport.GOOD).append(".</p><div class=\"grid\">");
        r.layers().values().forEach(l -> h.append("<div class=\"card\"><b>Layer ").append(l.layer()).append("</b> (")
                .append(l.scored()).append(" scored").append(l.sorted().size() < l.scored() ? ", " + l.sorted().size() + " ranks shown" : "")
                .append(")<br>").append(IntervalPlot.svg(l)).append("</div>"));
        h.append("</div>");
        h.append("<h2>Score histogram per layer</h2><div class=\"grid\">");
        r.layers().values().forEach(l -> h.append("<div class=\"card\"><b>Layer ").append(l.layer()).append("</b> (")
                .append(l.scored()).append(" scored)<br>").append(histogram(l.histogram())).append("</div>"));
        h.append("</div>");

        h.append("<h2>Best explained features</h2>").append(lines(r.best(), causal));
        h.append("<h2>Worst explained features</h2>").append(lines(r.worst(), causal));
        h.append("<h2>Dead features (").append(r.dead().size()).append(")</h2>");
        if (r.dead().isEmpty()) h.append("<p>None: every audited feature activates somewhere.</p>");
        else {
            h.append("<p>");
            for (AuditReport.FeatureLine d : r.dead()) h.append("<code>").append(esc(d.feature())).append("</code> ");
            h.append("</p>");
        }
        if (!r.watched().isEmpty()) {
            h.append("<h2>Watched concepts</h2>");
            for (Map.Entry<String, List<AuditReport.FeatureLine>> w : r.watched().entrySet()) {
                h.append("<h3>“").append(esc(w.getKey())).append("” (").append(w.getValue().size()).append(")</h3>")
                        .append(w.getValue().isEmpty() ? "<p>No explanation mentions it.</p>" : lines(w.getValue(), causal));
            }
        }
        if (!r.failures().isEmpty()) {
            h.append("<h2>Failures (").append(r.failures().size()).append(")</h2><table><tr><th>Feature</th><th>Error</th></tr>");
            r.failures().stream().limit(100).forEach(f -> h.append("<tr>").append(td(f.feature())).append(td(f.error())).append("</tr>"));
            h.append("</table>");
        }
        return h.append("</body></html>").toString();
    }

    private static String lines(List<AuditReport.FeatureLine> lines, boolean causal) {
        if (lines.isEmpty()) return "<p>No scored features yet.</p>";
        boolean output = lines.stream().anyMatch(l -> l.output() != null);
        StringBuilder b = new StringBuilder("<table><tr><th>Feature</th><th>Score [95% CI]</th>")
                .append(causal ? "<th>Causal [95% CI]</th>" : "")
                .append("<th>Max act.</th><th>Explanation</th><th>Fires most on</th>")
                .append(output ? "<th>Output score</th><th>Promotes</th>" : "").append("</tr>");
        for (AuditReport.FeatureLine l : lines) {
            b.append("<tr>").append(td(l.feature())).append(num(withCi(l.score(), l.intervals().simulation())));
            if (causal) b.append(num(withCi(l.causal(), l.intervals().causal())));
            b.append(num(fmt(l.maxActivation()))).append(td(l.explanation()))
                    .append(td(String.join(" · ", l.topTokens())));
            if (output) b.append(num(l.output() == null ? "–" : fmt(l.output().score()))).append(td(promotes(l.output())));
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }

    /** The promoted tokens, those the label names first; the reason when it names none. */
    static String promotes(FeatureResult.Output o) {
        if (o == null) return "–";
        // control characters (byte tokens) shown escaped, as prompts show them
        String tokens = o.promotes().stream().limit(5).map(t -> "'" + lantern.llm.Prompts.showToken(t) + "'")
                .collect(java.util.stream.Collectors.joining(" · "));
        if (!o.named().isEmpty()) {
            return "named: " + String.join(", ", o.named().stream().map(t -> "'" + lantern.llm.Prompts.showToken(t) + "'").toList())
                    + " (of " + tokens + ")";
        }
        return tokens + (o.reason() == null ? "" : " (not named: " + o.reason() + ")");
    }

    /** What the intervals say over the whole audit, in one sentence; nothing when no feature has one. */
    private static String intervalNote(AuditReport.IntervalSummary i) {
        if (i == null || i.simulationIntervals() == 0) return "";
        return "<p class=\"ci-note\">95% intervals: " + i.simulationIntervals() + " scored features have one, mean width "
                + fmt(i.meanSimulationWidth()) + "; " + i.simulationLowAboveZero() + " lie above 0 and "
                + i.simulationLowAtLeastGood() + " have a lower bound of at least " + AuditReport.GOOD + ".</p>";
    }

    /** Per layer: how wide the intervals are and how many scores hold up at their lower bound. */
    private static String intervalsByLayer(AuditReport r) {
        if (r.layers().values().stream().allMatch(l -> l.intervals().simulationIntervals() == 0 && l.intervals().detectionIntervals() == 0)) {
            return "<p class=\"ci-note\">No 95% intervals (results logged before audits had them).</p>";
        }
        StringBuilder b = new StringBuilder("<table class=\"ci-table\"><tr><th>Layer</th><th>Scored</th><th>Mean score</th>")
                .append("<th>With interval</th><th>Mean width</th><th>Lower bound &gt; 0</th><th>Lower bound ≥ ")
                .append(AuditReport.GOOD).append("</th><th>Detection mean width</th><th>Detection lower bound &gt; 0.5</th></tr>");
        for (AuditReport.LayerSummary l : r.layers().values()) {
            AuditReport.IntervalSummary i = l.intervals();
            b.append("<tr>").append(td("L" + l.layer())).append(num(l.scored())).append(num(fmt(l.meanScore())))
                    .append(num(i.simulationIntervals())).append(num(fmt(i.meanSimulationWidth())))
                    .append(num(i.simulationLowAboveZero())).append(num(i.simulationLowAtLeastGood()))
                    .append(num(fmt(i.meanDetectionWidth()))).append(num(i.detectionLowAboveHalf())).append("</tr>");
        }
        return b.append("</table>").toString();
    }

    /** "0.62 [0.48, 0.74]", or the value alone without an interval. */
    static String withCi(Double value, ScoreIntervals.Ci ci) {
        if (value == null) return "–";
        return scoreWithCi(value, ci == null ? null : ci.lo(), ci == null ? null : ci.hi());
    }

    /** "0.62 [0.48, 0.74]", or "0.62" without bounds. */
    static String scoreWithCi(double value, Double lo, Double hi) {
        String v = String.format(Locale.ROOT, "%.2f", value);
        return lo == null || hi == null ? v : v + String.format(Locale.ROOT, " [%.2f, %.2f]", lo, hi);
    }

    /** One line per layer: mean causal selectivity and how many features it averages. */
    private static String causalByLayer(AuditReport r) {
        StringBuilder b = new StringBuilder("<p>Causal check (ablate the feature; selectivity = (top − random) / "
                + "(top + random) of the sentence-embedding change on its top vs random windows, in [−1, 1]):</p><ul>");
        for (AuditReport.LayerSummary l : r.layers().values()) {
            b.append("<li>Layer ").append(l.layer()).append(": mean causal ").append(esc(fmt(l.meanCausal())))
                    .append(" over ").append(l.causalScored()).append(" features</li>");
        }
        return b.append("</ul>").toString();
    }

    /** Bars of the mean simulation score per layer on a [-0.2, 1] axis. */
    private static String meanByLayer(AuditReport r) {
        int n = r.layers().size();
        if (n == 0) return "<p>No results yet.</p>";
        int w = 60 + 50 * n, h = 180, top = 10, bottom = 150;
        double lo = -0.2, hi = 1.0;
        StringBuilder b = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h
                + "\" role=\"img\" aria-label=\"mean score by layer\">");
        for (double t = lo; t <= hi + 1e-9; t += 0.2) {
            double y = bottom - (t - lo) / (hi - lo) * (bottom - top);
            b.append(String.format(Locale.ROOT, "<line x1=\"40\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", w, y, y))
                    .append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\">%.1f</text>", y + 3, t));
        }
        double zero = bottom - (0 - lo) / (hi - lo) * (bottom - top);
        int i = 0;
        for (AuditReport.LayerSummary l : r.layers().values()) {
            int x = 50 + 50 * i++;
            if (l.meanScore() != null) {
                double v = Math.max(lo, Math.min(hi, l.meanScore()));
                double y = bottom - (v - lo) / (hi - lo) * (bottom - top);
                b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"30\" height=\"%.1f\" fill=\"%s\"><title>layer %d: %.3f</title></rect>",
                        x, Math.min(y, zero), Math.abs(zero - y), v >= 0 ? "#4a7bd0" : "#d0604a", l.layer(), l.meanScore()));
            }
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">L%d</text>", x + 8, bottom + 15, l.layer()));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"40\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>", w, zero, zero));
        return b.append("</svg>").toString();
    }

    private static String histogram(int[] counts) {
        int max = 1;
        for (int c : counts) max = Math.max(max, c);
        int bw = 18, h = 110, bottom = 90;
        StringBuilder b = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + (counts.length * bw + 10)
                + "\" height=\"" + h + "\" role=\"img\" aria-label=\"score histogram\">");
        for (int i = 0; i < counts.length; i++) {
            double bh = 80.0 * counts[i] / max;
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#4a7bd0\"><title>%s: %d</title></rect>",
                    5 + i * bw, bottom - bh, bw - 2, bh, AuditReport.BINS.get(i), counts[i]));
            if (i % 2 == 0 || i == 0) {
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", 5 + i * bw, bottom + 12, AuditReport.BINS.get(i)));
            }
        }
        return b.append("</svg>").toString();
    }

    private static String td(String s) {
        return "<td>" + esc(s) + "</td>";
    }

    private static String num(Object v) {
        return "<td class=\"num\">" + esc(String.valueOf(v)) + "</td>";
    }

    private static String fmt(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.3f", d);
    }

    /** Escapes text for HTML element content and quoted attributes (the report's and the web pages'). */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
