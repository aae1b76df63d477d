package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ProgressBar;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.graphs.GraphRequest;
import lantern.api.graphs.NodeIntervention;
import lantern.core.AttributionGraphs;
import lantern.core.ModelSource;
import picocli.CommandLine;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lantern attribute}: builds and stores an attribution graph for one prompt ({@link AttributionGraphs}, as {@code POST /api/graphs}). */
@CommandLine.Command(name = "attribute", mixinStandardHelpOptions = true,
        description = "Builds the attribution graph of a prompt (circuit-tracer semantics: transcoders replace the MLPs,"
                + " attention and norms frozen), prunes it, stores it under {data}/graphs and prints its top path and scores.")
public class AttributeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--transcoders", required = true, description = "Transcoder set name (lantern train transcoder --name).")
    String transcoders;

    @CommandLine.Option(names = "--prompt", required = true)
    String prompt;

    @CommandLine.Option(names = "--max-feature-nodes", description = "At most this many feature nodes, chosen by influence (default: all).")
    Integer maxFeatureNodes;

    @CommandLine.Option(names = "--node-threshold", defaultValue = "0.8")
    double nodeThreshold;

    @CommandLine.Option(names = "--edge-threshold", defaultValue = "0.98")
    double edgeThreshold;

    @CommandLine.Option(names = "--json", description = "Also write the pruned graph JSON here (circuit-tracer's format).")
    Path json;

    @CommandLine.Option(names = "--intervene-top", defaultValue = "0",
            description = "Then zero each of the N feature nodes with the largest direct effect on the top logit, one at a"
                    + " time, and print predicted vs actual change of that logit with their correlation.")
    int interveneTop;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            AttributionGraphs circuits = new AttributionGraphs(ModelSource.loading(data.path(), model.tokenizer()), data.path());
            ProgressBar bar = new ProgressBar(System.err);
            var s = circuits.build(new GraphRequest(model.model(), transcoders, prompt, maxFeatureNodes, nodeThreshold,
                    edgeThreshold), (done, total) -> bar.update("attribute", done, total, "rows", ""));
            bar.finish();
            System.out.printf(Locale.ROOT, "graph %s: %d tokens %s%n", s.id(), s.tokens().size(), s.tokens());
            System.out.printf(Locale.ROOT, "active features %d, feature nodes %d; pruned: %d nodes, %d edges; %.2f s%n",
                    s.activeFeatures(), s.featureNodes(), s.prunedNodes(), s.prunedEdges(), s.seconds());
            System.out.printf(Locale.ROOT, "replacement score %.4f, completeness score %.4f%n", s.replacementScore(),
                    s.completenessScore());
            StringBuilder targets = new StringBuilder();
            for (int i = 0; i < s.targetTokens().size(); i++) {
                targets.append(String.format(Locale.ROOT, " %s (p=%.3f)", LensCommand.quote(s.targetTokens().get(i)),
                        s.targetProbabilities()[i]));
            }
            System.out.println("target logits:" + targets);
            System.out.println("top path: " + String.join(" -> ", s.topPath()));
            if (json != null) {
                try (OutputStream out = Files.newOutputStream(json)) {
                    circuits.writeJson(s.id(), true, out);
                }
                System.out.println("graph JSON: " + json);
            }
            if (interveneTop > 0) intervene(circuits.interveneTop(model.model(), s.id(), interveneTop));
            return 0;
        });
    }

    private static void intervene(List<NodeIntervention> rows) {
        System.out.println("| feature node | feature | explanation (clerp) | predicted Δ (direct) | predicted Δ (paths) | actual Δ |");
        System.out.println("|---|---|---|---:|---:|---:|");
        List<Double> pred = new ArrayList<>(), paths = new ArrayList<>(), act = new ArrayList<>();
        for (NodeIntervention r : rows) {
            pred.add(r.predictedDirect());
            paths.add(r.predictedTotal());
            act.add(r.actualDelta());
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.4f | %.4f | %.4f |%n", r.node(), r.feature(),
                    r.clerp().isEmpty() ? "-" : r.clerp().replace("|", "\\|"), r.predictedDirect(), r.predictedTotal(),
                    r.actualDelta());
        }
        System.out.printf(Locale.ROOT, "Pearson correlation of predicted (direct) and actual change of the top logit over %d nodes: %.3f"
                + " (along paths: %.3f)%n", pred.size(), pearson(pred, act), pearson(paths, act));
    }

    static double pearson(List<Double> a, List<Double> b) {
        int n = a.size();
        double ma = a.stream().mapToDouble(x -> x).average().orElse(0), mb = b.stream().mapToDouble(x -> x).average().orElse(0);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a.get(i) - ma) * (b.get(i) - mb);
            saa += (a.get(i) - ma) * (a.get(i) - ma);
            sbb += (b.get(i) - mb) * (b.get(i) - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
