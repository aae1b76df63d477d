package lantern.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.eval.audit.AuditReport;
import lantern.eval.audit.AuditResults;
import lantern.eval.audit.HtmlReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An audit's report written as files ({@code report.json}, {@code report.html}, each by temp file and rename) where
 * {@code lantern audit} leaves them, with the headline numbers a command prints. The service renders the same report
 * over {@code GET /api/audits/{id}/report}.
 */
public final class AuditReportFiles {
    /**
     * The headline of a written report.
     *
     * @param intervals          features with a simulation interval
     * @param lowAboveZero       of those, features whose lower bound is above 0
     * @param lowAtLeastGood     of those, features whose lower bound is at least {@code good}
     */
    public record Written(Path html, Double meanScore, boolean causal, Double meanCausal, Double causalCorrelation,
                          int intervals, Double meanWidth, int lowAboveZero, double good, int lowAtLeastGood) {
    }

    private AuditReportFiles() {
    }

    public static Written write(AuditResults results, Path dir) throws IOException {
        AuditReport report = AuditReport.of(results);
        Files.createDirectories(dir);
        var json = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT);
        write(dir.resolve("report.json"), json.writeValueAsString(report));
        write(dir.resolve("report.html"), HtmlReport.render(report));
        var ci = report.intervals();
        return new Written(dir.resolve("report.html"), report.meanScore(), report.request().causal(), report.meanCausal(),
                report.causalCorrelation(), ci.simulationIntervals(), ci.meanSimulationWidth(), ci.simulationLowAboveZero(),
                AuditReport.GOOD, ci.simulationLowAtLeastGood());
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
