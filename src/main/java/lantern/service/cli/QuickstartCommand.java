package lantern.service.cli;

import lantern.cli.DataOption;

import lantern.cli.ProgressBar;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import lantern.api.audit.AuditRequest;
import lantern.api.audit.AuditStatus;
import lantern.api.Manifest;
import lantern.service.AuditService;
import lantern.service.CollectionService;
import lantern.service.FeatureRecordsService;
import lantern.core.LanternConfig;
import lantern.service.ModelRegistry;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import lantern.core.CollectFeatures;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The main job on the embedded default: collect MiniLM's 9,216 MLP neurons over a Brown slice, explain, score and
 * index them with the offline statistical explainer, then keep serving the result. Each step is skipped when its
 * result is already on disk, so a second run goes straight to serving.
 */
@CommandLine.Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Collect MiniLM's neurons over Brown (or bge-small-zh's over chinese-poetry: --model bge-small-zh), "
                + "explain, score and index them, then serve (http://127.0.0.1:8080).")
public class QuickstartCommand implements Callable<Integer> {
    /** Accepted like every command's (the launcher hands it to the app as lantern.data-dir before start). */
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Inject
    ModelRegistry models;
    @Inject
    CollectionService collections;
    @Inject
    FeatureRecordsService records;
    @Inject
    AuditService audits;
    @Inject
    LanternConfig config;
    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int port;

    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6",
            description = "Encoder: minilm-l6 (English) or bge-small-zh (Chinese) (default: ${DEFAULT-VALUE}).")
    String modelId;
    @CommandLine.Option(names = "--corpus", description = "brown or chinese-poetry (default: the model's, chinese-poetry for bge-small-zh).")
    String corpusName;
    @CommandLine.Option(names = "--max-tokens", defaultValue = "100000", description = "Corpus tokens to collect over (default: ${DEFAULT-VALUE}; 0: the whole corpus).")
    long maxTokens;
    @CommandLine.Option(names = "--features", defaultValue = "sample:600:1",
            description = "Neurons to explain: all, FROM-TO per layer, or sample:N[:SEED] (default: ${DEFAULT-VALUE}).")
    String features;
    @CommandLine.Option(names = "--no-serve", description = "Stop after the audit instead of serving.")
    boolean noServe;
    @CommandLine.Option(names = "--decoder", description = "First train the Brown decoder (lantern train decoder's defaults, "
            + "registered as brown-llama), or reuse the one on disk.")
    boolean decoder;

    private static final int SEQUENCE_LENGTH = 64;

    /** Same model, kind, layers, features, explainer and simulator: the same explanations would come out. */
    static boolean sameWork(AuditRequest a, AuditRequest b) {
        return a.model().equals(b.model()) && a.kind().equals(b.kind()) && a.layers().equals(b.layers())
                && a.features().equals(b.features()) && a.explainer().equals(b.explainer())
                && a.simulator().equals(b.simulator());
    }

    @Override
    public Integer call() throws Exception {
        if (decoder) {
            int rc = TrainDecoderCommand.trainDefault(config.dataDir());
            if (rc != 0) return rc;
        }
        var model = models.hooked(modelId);
        String corpus = corpusName != null ? corpusName : CollectionService.defaultCorpus(modelId);
        boolean chinese = CollectFeatures.isChinese(corpus);
        int layers = model.info().layers();
        // Reuse a collection of every layer over at least the tokens asked for
        long wanted = CollectFeatures.fullCollectionCovering(model, corpus, config.dataDir(), maxTokens, SEQUENCE_LENGTH);
        boolean collected = wanted >= 0;
        if (!collected) {
            System.err.printf("1/3 collecting all %,d neurons of %s over %s %s tokens%n",
                    layers * model.info().neuronsPerLayer(), model.info().id(),
                    maxTokens > 0 ? String.format("%,d", maxTokens) : "all", corpus);
            ProgressBar bar = new ProgressBar(System.err);
            int[] all = java.util.stream.IntStream.range(0, layers).toArray();
            var outcome = collections.run(model, corpus, all, maxTokens, bar);
            bar.finish();
            System.err.printf("    %,d tokens in %.0f s (%,.0f tokens/s) -> %s%n", outcome.stream().tokens(),
                    outcome.result().seconds(), outcome.stream().tokens() / outcome.result().seconds(), outcome.dir());
        } else {
            System.err.printf("1/3 a collection of all layers over >= %,d %s tokens is on disk: skipping%n", wanted, corpus);
        }
        System.err.println("2/3 explaining, scoring and indexing (" + features + ", statistical explainer)");
        List<String> concepts = chinese ? List.of("押韻位置", "句首字", "七言詩", "詞")
                : List.of("plural nouns", "past tense verbs", "numbers", "names");
        AuditRequest request = new AuditRequest(model.info().id(), List.of(), "mlp", AuditCommand.selection(features),
                "statistical", "statistical", 2, concepts, false);
        // An earlier audit counts only when it asked for the same features and the records it read are still there.
        String id = !collected ? null : audits.jobs().list().stream()
                .filter(s -> s.state().name().equalsIgnoreCase("done"))
                .filter(s -> sameWork(audits.jobs().results(s.id()).request(), request))
                .map(AuditStatus::id).findFirst().orElse(null);
        if (id == null) {
            id = audits.submit(request);
            long t0 = System.nanoTime();
            AuditStatus s;
            do {
                audits.jobs().awaitFinished(id, Duration.ofSeconds(1));
                s = audits.jobs().status(id);
                System.err.printf("\r    %,d/%,d features explained (%d failed), %.0f s   ", s.done(), s.total(), s.failed(),
                        (System.nanoTime() - t0) / 1e9);
            } while (!s.state().finished());
            System.err.println();
        } else {
            System.err.println("    audit " + id + " of the same features found: skipping");
        }
        String base = "http://127.0.0.1:" + port;
        System.out.println("3/3 ready:");
        System.out.println("    " + base + "/api/audits/" + id + "/report?format=html   (the audit report)");
        String query = chinese ? java.net.URLEncoder.encode("句末字", java.nio.charset.StandardCharsets.UTF_8) : "plural%20nouns";
        System.out.println("    " + base + "/api/search?q=" + query + "            (search the explanations)");
        System.out.println("    " + base + "/api/features/" + model.info().id() + "/0/mlp/17          (a neuron's windows and explanations)");
        if (decoder) {
            System.out.println("    ./lantern lens --model " + TrainDecoderCommand.DEFAULT_NAME
                    + " --prompt 'The jury said'   (the trained decoder, by name)");
        }
        System.out.println("    " + base + "/q/swagger-ui                          (every endpoint)");
        if (noServe) return 0;
        System.out.println("serving; Ctrl-C to stop");
        Quarkus.waitForExit();
        return 0;
    }
}
