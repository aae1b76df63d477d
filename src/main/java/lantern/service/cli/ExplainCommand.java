package lantern.service.cli;

import lantern.cli.DataOption;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.core.ExplainFeature;
import lantern.core.ExplainHere;
import lantern.core.ExplanationResult;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;

/** {@code lantern explain minilm-l6/0/mlp/221 [--explainer llm --simulator llm-json]}. */
@CommandLine.Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explains a collected feature, scores the explanation on held-out windows and stores it.")
public class ExplainCommand implements Callable<Integer> {
    @CommandLine.Parameters(index = "0", description = "Feature id, e.g. minilm-l6/0/mlp/221.")
    String feature;

    @CommandLine.Option(names = "--explainer", defaultValue = "statistical", description = "statistical (offline), llm, or verbalizer (a feature's output direction read by "
            + "a verbalizer trained here: lantern train verbalizer) (default: ${DEFAULT-VALUE}).")
    String explainer;

    @CommandLine.Option(names = "--simulator", description = "statistical, llm-json or llm-logprob (default: statistical for the statistical explainer, llm-json for llm).")
    String simulator;

    @CommandLine.Option(names = "--no-index", description = "Do not add the explanation to the search index (it is kept in the feature's history either way).")
    boolean noIndex;

    /**
     * The feature index as the REST explain call uses it, from the application's container (none when the command
     * runs outside the application, as in plain unit tests). Looked up rather than injected: {@link ScoreCommand}
     * extends this command, so injecting by type would be ambiguous.
     */
    static lantern.service.SearchService searchService() {
        var container = io.quarkus.arc.Arc.container();
        if (container == null || !container.isRunning()) return null;
        var handle = container.instance(lantern.service.SearchService.class);
        return handle.isAvailable() ? handle.get() : null;
    }

    @CommandLine.Option(names = "--llm-judges", description = "With an LLM simulator, also score fuzzing and intruder with LLM judges (about ten more calls).")
    boolean llmJudges;

    @CommandLine.Option(names = "--records", description = "Read the records from an OpenAI neuron-explainer JSON file (NeuronRecord) instead of a collection.")
    Path recordsFile;

    @CommandLine.Option(names = "--name", description = "Collection name (default: the newest holding the layer).")
    String name;

    @CommandLine.Option(names = "--no-embedding", description = "Skip the embedding AUC.")
    boolean noEmbedding;

    @CommandLine.Option(names = "--no-causal", description = "Skip the causal check (ablate the feature, compare the embedding change on its top vs random windows; about a second).")
    boolean noCausal;

    @CommandLine.Option(names = "--no-output", description = "Skip the output side of a decoder feature (amplify it, measure the probability its promoted tokens gain against random units; the label then names them when that is clear).")
    boolean noOutput;

    @CommandLine.Option(names = "--windows", defaultValue = "20",
            description = "Held-out top windows and random windows to score on, at most this many each (default: ${DEFAULT-VALUE}; "
                    + "the top windows a collection holds bound it: collect with a larger --top-k for more). The score intervals narrow with more.")
    int windows;

    @CommandLine.Option(names = "--json", description = "Print the stored result as JSON.")
    boolean json;

    @CommandLine.Mixin
    DataOption data = new DataOption();

    @CommandLine.Mixin
    LlmOptions llm = new LlmOptions();

    @Override
    public Integer call() throws Exception {
        lantern.service.SearchService search = noIndex || !indexes() ? null : searchService();
        List<String> indexed = new java.util.ArrayList<>();
        ExplanationResult r = new ExplainHere(data.path()).run(request(),
                search == null ? ExplainFeature.Indexer.NONE : (e, top) -> indexed.add(index(search, e, top)));
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            print(r);
        }
        indexed.forEach(line -> (line.startsWith("lantern:") ? System.err : System.out).println(line));
        if (r.scores().allSimulationsFailed()) {
            // the result is stored (explanation, detection); the score is not: say why on one line
            System.err.println("lantern: every simulation window failed (" + r.scores().nFailed() + "): "
                    + ExplainHere.failureHeadline(r));
            return 1;
        }
        return 0;
    }

    /** What to explain, and how, as the options say; {@link ScoreCommand} adds the explanation to score. */
    ExplainHere.Request request() {
        return new ExplainHere.Request(feature, recordsFile, name, explainer, simulator, llmJudges, !noEmbedding,
                !noCausal, !noOutput, windows, llm.overrides(), null);
    }

    /** Explanations of our own are indexed for search like the REST call's; a user's scored hypothesis is not. */
    boolean indexes() {
        return true;
    }

    /**
     * Adds the explanation to the search index and commits it, as {@code POST /api/features/{id}/explain} does. A
     * running service holds the index's write lock: then the explanation stays in the feature's history only, and
     * the message says how to add it ({@code lantern index rebuild} once the service is stopped).
     */
    private String index(lantern.service.SearchService search, ExplanationResult r, List<String> topTokens) {
        try {
            search.indexAndCommit(r, topTokens);
            return "  indexed for search (" + data.path().resolve("index") + ")";
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof org.apache.lucene.store.LockObtainFailedException)) throw e;
            return "lantern: not indexed: the feature index is held by a running service (stored in the "
                    + "feature's history; `lantern index rebuild` adds it once the service is stopped, or explain "
                    + "through the service: POST /api/features/" + r.feature() + "/explain)";
        }
    }

    static void print(ExplanationResult r) {
        var s = r.scores();
        System.out.println(r.feature() + "  [" + r.explainer() + "]");
        System.out.println("  " + r.text());
        System.out.printf("  simulation %s (%s, %d held-out top + %d random windows%s)%n", fmt(s.simulation(), s.intervals().simulation()), s.simulator(),
                s.nHeldOutTop(), s.nRandom(), s.nFailed() > 0 ? ", " + s.nFailed() + " failed" : "");
        printFailures(s.simulationFailures());
        System.out.printf("  detection  %s (%s)%n", fmt(s.detection(), s.intervals().detection()), s.detector());
        printFailures(s.detectionFailures());
        if (s.fuzzing() != null || s.intruder() != null || s.intervals().fuzzing() != null || s.intervals().intruder() != null) {
            System.out.printf("  fuzzing    %s   intruder %s (chance 0.25)%n", fmt(s.fuzzing(), s.intervals().fuzzing()),
                    fmt(s.intruder(), s.intervals().intruder()));
        }
        if (s.embedder() != null) System.out.printf("  embedding  %s (%s)%n", fmt(s.embedding(), s.intervals().embedding()), s.embedder());
        if (s.causal() != null) {
            var c = s.causal();
            boolean decoder = c.intervention().contains("next-token KL");
            String number = decoder ? "%.4g" : "%.5f";  // KL of a small model's ablation can be tiny
            System.out.printf("  causal     %s (%s: %s " + number + " on %d top vs " + number
                            + " on %d random windows, ratio %s)%n",
                    fmt(c.score(), c.ci()),
                    decoder ? c.intervention().substring(0, c.intervention().indexOf(';')) : c.intervention(),
                    decoder ? "next-token KL" : "embedding change", c.topEffect(), c.topTexts(), c.randomEffect(), c.randomTexts(),
                    c.ratio() == null ? "n/a" : String.format("%.2f", c.ratio()));
        }
        if (r.output() != null) printOutput(r.output());
        if (r.usage().calls() > 0) {
            System.out.printf("  LLM: %d calls (%d failed, %d retries), %s%n", r.usage().calls(),
                    r.usage().failedCalls(), r.usage().retries(), r.usage().tokensText());
        }
    }

    /** The output side: the score, what was measured against what, and what the label names (or why not). */
    static void printOutput(lantern.core.OutputSideScore o) {
        if (o.gain() == null) {
            System.out.printf("  output     n/a (%s)%n", o.reason());
            return;
        }
        System.out.printf(java.util.Locale.ROOT, "  output     %.3f (amplified by %.3g on %d random windows: its promoted tokens gain %+.4f in probability, "
                        + "%d random units of the same write norm %+.4f on average, at most %+.4f)%n",
                o.score(), o.amplification(), o.texts(), o.gain(), o.randomUnits(), o.randomGain(), o.randomMax());
        StringBuilder b = new StringBuilder();
        for (var c : o.candidates().stream().limit(5).toList()) {
            b.append(String.format(java.util.Locale.ROOT, "  '%s' %+.4f", c.token(), c.gain()));
        }
        System.out.println("             per token:" + b);
        System.out.println(o.clause() != null ? "             " + o.clause() : "             names none: " + o.reason());
    }

    private static void printFailures(Map<String, Integer> failures) {
        if (failures == null) return;
        failures.forEach((reason, n) -> System.out.printf("    %d failed: %s%n", n, reason));
    }

    private static String fmt(Double d) {
        return d == null ? "n/a" : String.format("%.3f", d);
    }

    /** "0.620 [0.480, 0.740]": the score and its 95% bootstrap interval where there is one. */
    static String fmt(Double d, lantern.core.ExplanationScores.Ci ci) {
        if (d == null && ci != null && ci.reason() != null) return "n/a (" + ci.reason() + ")";
        if (d == null || ci == null || ci.lo() == null || ci.hi() == null) return fmt(d);
        return String.format("%.3f [%.3f, %.3f]", d, ci.lo(), ci.hi());
    }
}
