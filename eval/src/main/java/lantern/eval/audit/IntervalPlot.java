package lantern.eval.audit;

import lantern.eval.audit.AuditReport;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG of one layer's simulation scores, sorted best first, each a dot with its 95% interval as a vertical bar
 * (class {@code ci}), with the 0 and {@value AuditReport#GOOD} lines: how many features are well explained, and how
 * sure each score is. Feature ids are escaped; nothing external is referenced.
 */
final class IntervalPlot {
    static final int WIDTH = 340, HEIGHT = 180, LEFT = 34, RIGHT = 334, TOP = 10, BOTTOM = 160;

    private IntervalPlot() {
    }

    static String svg(AuditReport.LayerSummary l) {
        List<AuditReport.ScorePoint> points = l.sorted();
        double lo = -0.2, hi = 1.0;
        for (AuditReport.ScorePoint p : points) {
            lo = Math.min(lo, p.lo() != null ? p.lo() : p.score());
        }
        lo = Math.max(-1, Math.floor(lo * 5) / 5); // a multiple of 0.2 at or below every lower bound
        StringBuilder b = new StringBuilder(256 + 200 * points.size());
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ci-plot\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"layer ").append(l.layer())
                .append(" simulation scores sorted, with 95% intervals\">");
        for (int k = (int) Math.round(lo * 5); k <= 5; k++) {
            double t = k / 5.0;
            double y = y(t, lo, hi);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", LEFT, RIGHT, y, y,
                            k == 0 ? "#999" : "#eee"))
                    .append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%.1f\">%.1f</text>", y + 3, t));
        }
        double good = y(AuditReport.GOOD, lo, hi);
        b.append(String.format(Locale.ROOT, "<line class=\"good\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c07000\" stroke-dasharray=\"4 3\"/>",
                LEFT, RIGHT, good, good));
        int n = points.size();
        double step = n == 0 ? 0 : (RIGHT - LEFT) / (double) n;
        double barWidth = Math.max(0.6, Math.min(4, step * 0.6));
        for (int i = 0; i < n; i++) {
            AuditReport.ScorePoint p = points.get(i);
            double x = LEFT + (i + 0.5) * step;
            String label = HtmlReport.esc(p.feature()) + ": " + HtmlReport.scoreWithCi(p.score(), p.lo(), p.hi());
            if (p.lo() != null) {
                b.append(String.format(Locale.ROOT, "<line class=\"ci\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#9bb7e0\" stroke-width=\"%.1f\"><title>%s</title></line>",
                        x, x, y(clamp(p.lo(), lo, hi), lo, hi), y(clamp(p.hi(), lo, hi), lo, hi), barWidth, label));
            }
            b.append(String.format(Locale.ROOT, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#1f4f9c\"><title>%s</title></circle>",
                    x, y(clamp(p.score(), lo, hi), lo, hi), Math.max(1, Math.min(2.5, step / 2)), label));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">rank 1 → %d (best first)</text>", LEFT, BOTTOM + 15, l.scored()));
        return b.append("</svg>").toString();
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static double y(double v, double lo, double hi) {
        return BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);
    }
}
