package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.knowledge.KnowledgeRequest;
import lantern.api.knowledge.KnowledgeResult;
import lantern.core.KnowledgeNeuronSearch;
import lantern.core.ModelSource;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "knowledge-neurons", mixinStandardHelpOptions = true,
        description = "Knowledge neurons (Dai et al. 2022): MLP neurons whose integrated gradients carry the target "
                + "token of prompts that state one fact; their effect when suppressed (x0) and amplified (x2) next "
                + "to as many random neurons of the same layers.")
public class KnowledgeNeuronsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--prompt", required = true, description = "A prompt stating the fact; repeat for paraphrases.")
    List<String> prompts;

    @CommandLine.Option(names = "--target", required = true,
            description = "The completing token, encoded alone without special tokens; it must be one token "
                    + "(byte-level BPE: include the leading space, \" York\").")
    String target;

    @CommandLine.Option(names = "--steps", defaultValue = "20", description = "Integrated-gradients steps.")
    int steps;

    @CommandLine.Option(names = "--threshold", defaultValue = "0.3", description = "Keep neurons above this x the prompt's max attribution.")
    double threshold;

    @CommandLine.Option(names = "--share", defaultValue = "0.5", description = "Keep neurons found for more than this fraction of prompts.")
    double share;

    @CommandLine.Option(names = "--seed", defaultValue = "0", description = "Picks the random control neurons.")
    long seed;

    @CommandLine.Option(names = "--top", defaultValue = "20", description = "Neurons printed.")
    int top;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            KnowledgeRequest r = new KnowledgeRequest(prompts, target, steps, threshold, share, seed);
            KnowledgeResult k = new KnowledgeNeuronSearch(ModelSource.loading(data.path(), model.tokenizer()))
                    .find(model.model(), r, msg -> System.err.print("\r" + msg + "        "));
            System.err.println();
            System.out.printf("model %s, target %s (id %d), %d steps, threshold %.2f x max, share > %.2f%n",
                    k.model(), LensCommand.quote(k.target()), k.targetId(), k.steps(),
                    k.threshold(), k.share());
            for (KnowledgeResult.Prompt p : k.prompts()) {
                System.out.printf("prompt %s: P(target) %.4f, max attribution %.3g, %d neurons above the "
                        + "threshold%n", LensCommand.quote(p.prompt()), p.probability(), p.maxAttribution(), p.coarse());
            }
            System.out.printf("%d knowledge neurons%n", k.neurons().size());
            System.out.printf("%-28s %6s %12s %8s%n", "feature", "layer", "attribution", "prompts");
            for (KnowledgeResult.Neuron n : k.neurons().subList(0, Math.min(top, k.neurons().size()))) {
                System.out.printf("%-28s %6d %12.4g %8d%n", n.featureId(), n.layer(), n.attribution(), n.sharedBy());
            }
            effect("knowledge neurons", k.knowledge());
            effect("random neurons   ", k.random());
            return 0;
        });
    }

    private static void effect(String what, KnowledgeResult.Effect e) {
        System.out.printf("%s (%d): P(target) %.4f -> suppressed %.4f (%+.1f%%), amplified %.4f (%+.1f%%)%n", what,
                e.neurons(), e.before(), e.suppressed(), 100 * e.suppressedChange(), e.amplified(),
                100 * e.amplifiedChange());
    }
}
