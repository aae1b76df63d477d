package lantern.service.cli;

import lantern.cli.DataOption;

import lantern.cli.ProgressBar;
import lantern.core.LayerSpec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.inject.Inject;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.AuditStatus;
import lantern.api.audit.FeatureSelection;
import lantern.core.AuditReportFiles;
import lantern.service.AuditService;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a batch audit in-process (same engine and files as POST /api/audits) and writes the report files. */
@CommandLine.Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Explain, score and index a model's features; writes report.json and report.html.")
public class AuditCommand implements Callable<Integer> {
    /** Accepted like every command's (the launcher hands it to the app as lantern.data-dir before start). */
    @CommandLine.Mixin
    DataOption data = new DataOption();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    AuditService audits;

    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6", description = "Model id (default: ${DEFAULT-VALUE}).")
    String model;
    @CommandLine.Option(names = "--layers", description = "Layers, e.g. 0-5 or 1,3 (default: all).")
    String layers;
    @CommandLine.Option(names = "--features", defaultValue = "all",
            description = "all, a range like 0-99, or sample:N[:SEED] (default: ${DEFAULT-VALUE}).")
    String features;
    @CommandLine.Option(names = "--explainer", defaultValue = "statistical", description = "statistical or llm.")
    String explainer;
    @CommandLine.Option(names = "--simulator", defaultValue = "statistical", description = "statistical, llm-json or llm-logprob.")
    String simulator;
    @CommandLine.Option(names = "--concurrency", defaultValue = "2", description = "Features worked on at once.")
    int concurrency;
    @CommandLine.Option(names = "--kind", defaultValue = "mlp", description = "Feature kind: mlp, or an SAE kind such as sae-resid_post-k32 (default: ${DEFAULT-VALUE}).")
    String kind;
    @CommandLine.Option(names = "--windows", description = "Score on up to this many held-out top windows and as many random windows, where the collections hold them (default 20 each; the score intervals narrow with more).")
    Integer windows;

    @CommandLine.Option(names = "--causal", description = "Also run the causal check (ablate each feature; about a second each).")
    boolean causal;
    @CommandLine.Option(names = "--watch", split = ",", description = "Concepts to look for in the explanations, comma separated.")
    List<String> watched = new ArrayList<>();
    @CommandLine.Option(names = "--out", description = "Folder for report.json and report.html (default: the audit's folder).")
    Path out;
    @CommandLine.Option(names = "--resume", description = "Resume an unfinished audit by id instead of starting one "
            + "(a budget-exhausted one with a higher --budget-tokens / --budget-cost).")
    String resume;
    @CommandLine.Option(names = "--budget-tokens", description = "Stop the audit (state budget-exhausted) before its LLM calls pass this many tokens.")
    Long budgetTokens;
    @CommandLine.Option(names = "--budget-cost", description = "Stop it before the LLM cost passes this (needs lantern.budget.price-per-1k-*-tokens).")
    Double budgetCost;
    @CommandLine.Option(names = "--threads-per-worker", description = "libtorch threads each of the --concurrency workers "
            + "uses (default: lantern.audit.threads-per-worker, else the cores divided by --concurrency, at least 1, so that "
            + "workers x threads <= cores; more threads than cores slow every worker down). Results do not depend on it.")
    Integer threadsPerWorker;
    @CommandLine.Option(names = "--dry-run", description = "Print what the audit would ask of the LLM (calls, tokens, cost) and stop.")
    boolean dryRun;
    @Inject
    lantern.service.AuditEstimator estimator;
    @CommandLine.Mixin
    EngineOptions engineOptions;
    @Inject
    lantern.service.spark.SparkEngine engine;

    @Override
    public Integer call() throws Exception {
        engineOptions.apply(engine);
        if (threadsPerWorker != null) {
            if (threadsPerWorker < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads-per-worker must be at least 1");
            audits.jobs().settings(audits.jobs().settings().withThreadsPerWorker(threadsPerWorker));
        }
        String id;
        lantern.api.audit.AuditBudget budget = new lantern.api.audit.AuditBudget(budgetTokens, budgetCost);
        if (resume != null) {
            if (budget.limited() && audits.jobs().status(resume).state() == lantern.api.audit.JobState.BUDGET_EXHAUSTED) {
                audits.jobs().resume(resume, budget);
            } else {
                audits.resumeUnfinished();
            }
            id = resume;
        } else {
            AuditRequest request = new AuditRequest(model, LayerSpec.list(layers), kind, selection(features),
                    explainer, simulator, concurrency, watched, causal, budget).withWindows(windows);
            if (dryRun) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(estimator.estimate(request)));
                return 0;
            }
            id = audits.submit(request);
        }
        System.err.println("audit " + id + " (resume with: lantern audit --resume " + id + ")");
        long t0 = System.nanoTime();
        AuditStatus s;
        while (true) {
            s = audits.jobs().status(id);
            printProgress(s, t0);
            if (s.state().finished()) break;
            if (audits.jobs().awaitFinished(id, Duration.ofMillis(1000))) continue;
        }
        System.err.println();
        Path dir = out != null ? out : Path.of(System.getProperty("lantern.data-dir", "./lantern-data"), "audits", id);
        AuditReportFiles.Written report = AuditReportFiles.write(audits.jobs().results(id), dir);
        System.out.printf("audit %s %s: %d done, %d failed of %d in %.0f s; mean simulation score %s%s%n", id, s.state(),
                s.done(), s.failed(), s.total(), (System.nanoTime() - t0) / 1e9, fmt(report.meanScore()),
                report.causal() ? "; mean causal " + fmt(report.meanCausal()) + ", simulation-causal r "
                        + fmt(report.causalCorrelation()) : "");
        if (report.intervals() > 0) {
            System.out.printf(java.util.Locale.ROOT, "95%% intervals: %d features, mean width %s; lower bound > 0 for %d, >= %s for %d%n",
                    report.intervals(), fmt(report.meanWidth()), report.lowAboveZero(), report.good(), report.lowAtLeastGood());
        }
        if (s.spent() != null && (s.spent().tokens() > 0 || s.spent().budget().limited())) {
            System.out.printf("LLM spend: %,d input + %,d output tokens%s%s%n", s.spent().inputTokens(), s.spent().outputTokens(),
                    s.spent().cost() == null ? "" : String.format(", cost %.4f", s.spent().cost()),
                    s.state() == lantern.api.audit.JobState.BUDGET_EXHAUSTED ? "; " + s.error() + " (lantern audit --resume " + id
                            + " --budget-tokens N)" : "");
        }
        System.out.println("report: " + report.html().toAbsolutePath());
        return s.state().name().equalsIgnoreCase("done") ? 0 : 1;
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format("%.3f", d);
    }

    private static final ProgressBar BAR = new ProgressBar(System.err);

    private static void printProgress(AuditStatus s, long t0) {
        BAR.update("audit", s.done() + s.failed(), s.total(), "features", "(" + s.failed() + " failed)");
    }

    static FeatureSelection selection(String spec) {
        if (spec == null || spec.equals("all")) return new FeatureSelection.All();
        if (spec.startsWith("sample:")) {
            String[] p = spec.split(":");
            try {
                return new FeatureSelection.Sample(Integer.parseInt(p[1]), p.length > 2 ? Long.parseLong(p[2]) : 1L);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--features sample:N[:SEED], e.g. sample:200:1: " + spec);
            }
        }
        String[] r = spec.split("-");
        try {
            return new FeatureSelection.Range(Integer.parseInt(r[0]), Integer.parseInt(r[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--features must be all, FROM-TO or sample:N[:SEED]: " + spec);
        }
    }
}
