package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import jakarta.inject.Inject;
import lantern.api.causal.Direction;

import lantern.api.causal.InterventionSpec;

import lantern.service.SteeringService;
import lantern.api.lens.TokenProb;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lantern steer}: runs a prompt with and without interventions through {@link SteeringService} (the service
 * {@code POST /api/steer} calls, with its limits). Decoders: the clean and the steered continuation side by side,
 * same sampling and seed. Encoders: the embedding cosine and the nearest candidates. {@code --make-direction} first
 * builds a named direction from two files of texts ({@code POST /api/directions}).
 */
@CommandLine.Command(name = "steer", mixinStandardHelpOptions = true,
        description = "Intervenes on a forward pass (add/ablate a direction, ablate a neuron, clamp an SAE feature): "
                + "decoders generate with and without it side by side; encoders compare sentence embeddings.")
public class SteerCommand implements Callable<Integer> {
    @Inject
    SteeringService steering;

    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--prompt", description = "The text to run (decoders: to continue).")
    String prompt;

    @CommandLine.Option(names = "--add-direction", description = "NAME:SCALE[@HOOK] (repeatable).")
    List<String> addDirections = new ArrayList<>();

    @CommandLine.Option(names = "--ablate-direction", description = "NAME[@HOOK] (repeatable).")
    List<String> ablateDirections = new ArrayList<>();

    @CommandLine.Option(names = "--ablate-neuron", description = "Feature id, e.g. minilm-l6/3/mlp/17 (repeatable).")
    List<String> ablateNeurons = new ArrayList<>();

    @CommandLine.Option(names = "--clamp-neuron", description = "FEATURE=VALUE: set a neuron to VALUE at every token, e.g. gpt2/5/mlp/131=3 (repeatable).")
    List<String> clampNeurons = new ArrayList<>();

    @CommandLine.Option(names = "--clamp-sae", description = "FEATURE=VALUE, e.g. minilm-l6/3/sae-resid_post-k32/77=10 (repeatable).")
    List<String> clamps = new ArrayList<>();

    @CommandLine.Option(names = "--ablate-sae", description = "SAE feature id to clamp to 0 (repeatable).")
    List<String> ablateSaes = new ArrayList<>();

    @CommandLine.Option(names = "--candidate", description = "Encoders: candidate text for nearest neighbours (repeatable).")
    List<String> candidates = new ArrayList<>();

    @CommandLine.Option(names = "--candidates-file", description = "Encoders: file of candidate texts, one per line.")
    Path candidatesFile;

    @CommandLine.Option(names = "--make-direction", description = "Name of a direction to build first from --positive-file and --negative-file.")
    String makeDirection;

    @CommandLine.Option(names = "--hook", defaultValue = "blocks.3.hook_resid_post", description = "Hook for --make-direction (default: ${DEFAULT-VALUE}).")
    String hook;

    @CommandLine.Option(names = "--pool", description = "For --make-direction: mean (over all tokens) or last (last token); default: mean for encoders, last for decoders.")
    String pool;

    @CommandLine.Option(names = "--positive-file")
    Path positiveFile;

    @CommandLine.Option(names = "--negative-file")
    Path negativeFile;

    @CommandLine.Option(names = "--max-tokens", description = "Decoders: tokens to generate (default 40).")
    Integer maxTokens;

    @CommandLine.Option(names = "--temperature", description = "Decoders: 0 = greedy (default).")
    Float temperature;

    @CommandLine.Option(names = "--top-p", description = "Decoders: nucleus sampling (default 1).")
    Float topP;

    @CommandLine.Option(names = "--seed", description = "Decoders: sampling seed, the same for both continuations (default 0).")
    Long seed;

    @CommandLine.Option(names = "--top", description = "Candidates (encoders) or next tokens (decoders) to show (default 5).")
    Integer top;

    @Override
    public Integer call() throws Exception {
        if (makeDirection != null) {
            if (positiveFile == null || negativeFile == null) throw new IllegalArgumentException("--make-direction needs --positive-file and --negative-file");
            Direction d = steering.createDirection(new SteeringService.DirectionRequest(makeDirection, registered(), hook,
                    lines(positiveFile), lines(negativeFile), pool));
            System.out.printf(Locale.ROOT, "direction '%s' at %s (%s pooling): norm %.4f from %d positive and %d negative texts%n",
                    d.name(), d.hook(), d.pool(), d.norm(), d.positives(), d.negatives());
        }
        List<InterventionSpec> specs = specs();
        if (prompt == null && makeDirection != null && specs.isEmpty()) return 0;
        if (prompt == null) throw new IllegalArgumentException("--prompt is missing");
        List<String> cands = new ArrayList<>(candidates);
        if (candidatesFile != null) cands.addAll(lines(candidatesFile));
        Object result = steering.steer(new SteeringService.SteerRequest(registered(), prompt, specs, cands.isEmpty() ? null : cands,
                top, maxTokens, temperature, topP, seed));
        if (result instanceof lantern.api.causal.GenerationSteeringResult g) print(g);
        else if (result instanceof lantern.api.causal.SteeringResult r) print(r, !cands.isEmpty());
        return 0;
    }

    static void print(lantern.api.causal.GenerationSteeringResult g) {
        for (String a : g.applied()) System.out.println("intervention: " + a);
        System.out.printf(Locale.ROOT, "sampling: %s, %d tokens, seed %d%n",
                g.sampling().temperature() == 0 ? "greedy" : "temperature " + g.sampling().temperature() + ", top-p " + g.sampling().topP(),
                g.sampling().maxTokens(), g.sampling().seed());
        System.out.println("prompt:  " + DecoderCli.oneLine(g.prompt()));
        System.out.println("clean:   " + DecoderCli.oneLine(g.clean().text()));
        System.out.println("steered: " + DecoderCli.oneLine(g.steered().text()));
        System.out.println(g.firstDifference() < 0 ? "the continuations are the same"
                : "the continuations part at generated token " + g.firstDifference());
        System.out.printf(Locale.ROOT, "next token after the prompt (KL clean||steered %.4f nats):%n", g.nextTokenKl());
        System.out.printf(Locale.ROOT, "  %-28s %s%n", "clean", "steered");
        for (int i = 0; i < Math.max(g.cleanNext().size(), g.steeredNext().size()); i++) {
            System.out.printf(Locale.ROOT, "  %-28s %s%n", cell(g.cleanNext(), i), cell(g.steeredNext(), i));
        }
    }

    private static String cell(List<TokenProb> tops, int i) {
        if (i >= tops.size()) return "";
        TokenProb t = tops.get(i);
        return String.format(Locale.ROOT, "%.4f %s", t.prob(), DecoderCli.oneLine("'" + t.token() + "'"));
    }

    private static void print(lantern.api.causal.SteeringResult r, boolean withCandidates) {
        for (String a : r.applied()) System.out.println("intervention: " + a);
        System.out.printf(Locale.ROOT, "embedding cosine (clean vs intervened): %.4f%n", r.cosine());
        if (withCandidates) {
            System.out.println("nearest candidates, clean:");
            r.clean().forEach(n -> System.out.printf(Locale.ROOT, "  %.4f  %s%n", n.cosine(), n.text()));
            System.out.println("nearest candidates, intervened:");
            r.steered().forEach(n -> System.out.printf(Locale.ROOT, "  %.4f  %s%n", n.cosine(), n.text()));
        }
    }

    /** The service steers MiniLM and registered decoders (lantern models add), never a bare path. */
    private String registered() {
        if (model.tokenizer() != null) throw new IllegalArgumentException("steer takes a registered model; register it with: lantern models add NAME PATH --tokenizer FILE");
        return model.model();
    }

    List<InterventionSpec> specs() {
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
            out.add(InterventionSpec.addDirection(at.length > 1 ? at[1] : null, at[0].substring(0, colon), scale));
        }
        for (String s : ablateDirections) {
            String[] at = s.split("@", 2);
            out.add(new InterventionSpec("ablate-direction", at.length > 1 ? at[1] : null, at[0], null, null, null, null));
        }
        for (String s : ablateNeurons) out.add(InterventionSpec.ablateNeuron(s));
        for (String s : clampNeurons) {
            int eq = s.lastIndexOf('=');
            if (eq < 1) throw new IllegalArgumentException("--clamp-neuron must look like FEATURE=VALUE: " + s);
            try {
                out.add(new InterventionSpec("ablate-neuron", null, null, null, null, s.substring(0, eq), Float.parseFloat(s.substring(eq + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value in --clamp-neuron " + s);
            }
        }
        for (String s : clamps) {
            int eq = s.lastIndexOf('=');
            if (eq < 1) throw new IllegalArgumentException("--clamp-sae must look like FEATURE=VALUE: " + s);
            try {
                out.add(InterventionSpec.clampSae(s.substring(0, eq), Float.parseFloat(s.substring(eq + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value in --clamp-sae " + s);
            }
        }
        for (String s : ablateSaes) out.add(InterventionSpec.ablateSae(s));
        return out;
    }

    private static List<String> lines(Path p) throws java.io.IOException {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + p);
        return Files.readAllLines(p).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
