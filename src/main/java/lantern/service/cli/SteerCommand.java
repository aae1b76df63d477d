package lantern.service.cli;

import ai.djl.ndarray.NDManager;
import lantern.eval.causal.Direction;
import lantern.eval.causal.DirectionStore;
import lantern.eval.causal.InterventionPlanner;
import lantern.eval.causal.InterventionSpec;
import lantern.eval.causal.MeanDifference;
import lantern.eval.causal.Steering;
import lantern.subject.EncoderModel;
import lantern.subject.sae.SaeStore;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lantern steer}: runs a prompt with and without interventions and prints the embedding cosine and the nearest
 * candidates in both cases. {@code --make-direction} first builds a named direction from two files of texts.
 */
@CommandLine.Command(name = "steer", mixinStandardHelpOptions = true,
        description = "Intervenes on a forward pass (add/ablate a direction, ablate a neuron, clamp an SAE feature) and compares the sentence embeddings.")
public class SteerCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--model", defaultValue = "minilm-l6")
    String model;

    @CommandLine.Option(names = "--prompt", description = "The text to run.")
    String prompt;

    @CommandLine.Option(names = "--add-direction", description = "NAME:SCALE[@HOOK] (repeatable).")
    List<String> addDirections = new ArrayList<>();

    @CommandLine.Option(names = "--ablate-direction", description = "NAME[@HOOK] (repeatable).")
    List<String> ablateDirections = new ArrayList<>();

    @CommandLine.Option(names = "--ablate-neuron", description = "Feature id, e.g. minilm-l6/3/mlp/17 (repeatable).")
    List<String> ablateNeurons = new ArrayList<>();

    @CommandLine.Option(names = "--clamp-sae", description = "FEATURE=VALUE, e.g. minilm-l6/3/sae-resid_post-k32/77=10 (repeatable).")
    List<String> clamps = new ArrayList<>();

    @CommandLine.Option(names = "--candidate", description = "Candidate text for nearest neighbours (repeatable).")
    List<String> candidates = new ArrayList<>();

    @CommandLine.Option(names = "--candidates-file", description = "File of candidate texts, one per line.")
    Path candidatesFile;

    @CommandLine.Option(names = "--make-direction", description = "Name of a direction to build first from --positive-file and --negative-file.")
    String makeDirection;

    @CommandLine.Option(names = "--hook", defaultValue = "blocks.3.hook_resid_post", description = "Hook for --make-direction (default: ${DEFAULT-VALUE}).")
    String hook;

    @CommandLine.Option(names = "--positive-file")
    Path positiveFile;

    @CommandLine.Option(names = "--negative-file")
    Path negativeFile;

    @CommandLine.Option(names = "--data", defaultValue = "${LANTERN_DATA:-./lantern-data}")
    Path data;

    @Override
    public Integer call() throws Exception {
        try (EncoderModel m = ModelLoader.load(model); NDManager nd = m.manager().newSubManager(); SaeStore saes = new SaeStore(data, nd)) {
            DirectionStore directions = new DirectionStore(data);
            if (makeDirection != null) {
                if (positiveFile == null || negativeFile == null) throw new IllegalArgumentException("--make-direction needs --positive-file and --negative-file");
                Direction d = MeanDifference.compute(m, makeDirection, hook, lines(positiveFile), lines(negativeFile));
                directions.save(d);
                System.out.printf(Locale.ROOT, "direction '%s' at %s: norm %.4f from %d positive and %d negative texts%n",
                        d.name(), d.hook(), d.norm(), d.positives(), d.negatives());
            }
            List<InterventionSpec> specs = specs();
            if (prompt == null) {
                if (makeDirection != null) return 0;
                throw new IllegalArgumentException("--prompt is missing");
            }
            if (specs.isEmpty()) throw new IllegalArgumentException("give at least one intervention");
            List<String> cands = new ArrayList<>(candidates);
            if (candidatesFile != null) cands.addAll(lines(candidatesFile));
            InterventionPlanner planner = new InterventionPlanner(m, saes, directions);
            List<InterventionPlanner.Planned> planned = planner.plan(specs);
            Steering.Result r = Steering.run(m, prompt, planned, planner.hooks(planned), cands, 5);
            for (String a : r.applied()) System.out.println("intervention: " + a);
            System.out.printf(Locale.ROOT, "embedding cosine (clean vs intervened): %.4f%n", r.cosine());
            if (!cands.isEmpty()) {
                System.out.println("nearest candidates, clean:");
                r.clean().forEach(n -> System.out.printf(Locale.ROOT, "  %.4f  %s%n", n.cosine(), n.text()));
                System.out.println("nearest candidates, intervened:");
                r.steered().forEach(n -> System.out.printf(Locale.ROOT, "  %.4f  %s%n", n.cosine(), n.text()));
            }
            return 0;
        }
    }

    private List<InterventionSpec> specs() {
        List<InterventionSpec> out = new ArrayList<>();
        for (String s : addDirections) {
            String[] at = s.split("@", 2);
            int colon = at[0].lastIndexOf(':');
            if (colon < 1) throw new IllegalArgumentException("--add-direction must look like NAME:SCALE[@HOOK]: " + s);
            float scale;
            try {
                scale = Float.parseFloat(at[0].substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad scale in --add-direction " + s);
            }
            out.add(new InterventionSpec("add-direction", at.length > 1 ? at[1] : null, at[0].substring(0, colon), null, scale, null, null));
        }
        for (String s : ablateDirections) {
            String[] at = s.split("@", 2);
            out.add(new InterventionSpec("ablate-direction", at.length > 1 ? at[1] : null, at[0], null, null, null, null));
        }
        for (String s : ablateNeurons) out.add(InterventionSpec.ablateNeuron(s));
        for (String s : clamps) {
            int eq = s.lastIndexOf('=');
            if (eq < 1) throw new IllegalArgumentException("--clamp-sae must look like FEATURE=VALUE: " + s);
            try {
                out.add(InterventionSpec.clampSae(s.substring(0, eq), Float.parseFloat(s.substring(eq + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value in --clamp-sae " + s);
            }
        }
        return out;
    }

    private static List<String> lines(Path p) throws java.io.IOException {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p);
        return Files.readAllLines(p).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
