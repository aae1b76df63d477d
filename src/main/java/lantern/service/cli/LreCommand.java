package lantern.service.cli;

import lantern.cli.DecoderCli;
import lantern.cli.ModelOptions;
import lantern.cli.DataOption;
import lantern.api.lre.LreOptions;
import lantern.api.lre.LreResult;
import lantern.core.ModelSource;
import lantern.core.RelationFitting;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "lre", mixinStandardHelpOptions = true,
        description = "Linear relational embedding (Hernandez et al. 2024): fit z = beta W h + b from the subject's "
                + "state at a layer to the last layer's; report faithfulness and causality on held-out subjects.")
public class LreCommand implements Callable<Integer> {
    @CommandLine.Mixin
    ModelOptions model;

    @CommandLine.Mixin
    DataOption data;

    @CommandLine.Option(names = "--relation", required = true,
            description = "A relation file ({\"prompt_templates\": [...], \"samples\": [{\"subject\",\"object\"}]}) or a "
                    + "shipped relation: country-capital, adjective-antonym, verb-past-tense, noun-plural, city-state.")
    String relation;

    @CommandLine.Option(names = "--layer", required = true, description = "Layer whose resid_post at the subject is h.")
    int layer;

    @CommandLine.Option(names = "--beta", description = "Scale on W h (default 2.25).")
    Double beta;

    @CommandLine.Option(names = "--train", description = "Training pairs (default 5).")
    Integer train;

    @CommandLine.Option(names = "--rank", description = "Rank of the pseudo-inverse for causality (default min(100, d_model)).")
    Integer rank;

    @CommandLine.Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public Integer call() {
        return DecoderCli.run(() -> {
            LreResult r = new RelationFitting(ModelSource.loading(data.path(), model.tokenizer())).run(model.model(),
                    lantern.core.ShippedOrInline.nameOrFile(relation), new LreOptions(layer, beta, train, rank, seed),
                    s -> System.err.println("  " + s));
            print(r);
            return 0;
        });
    }

    static void print(LreResult r) {
        System.out.printf("model %s, relation %s (\"%s\"), layer %d, beta %.2f, rank %d%n", r.model(), r.relation(),
                DecoderCli.oneLine(r.template()), r.layer(), r.beta(), r.rank());
        System.out.printf("trained on: %s%n", String.join(", ", r.trainSubjects()));
        System.out.printf("held-out %d: faithfulness %.3f, causality %s (%d edits), LM accuracy %.3f, LRE accuracy %.3f"
                        + "  |W| %.2f |b| %.2f  (%.1f s)%n", r.subjects().size(), r.faithfulness(), r.causality() == null ? "n/a" : String.format("%.3f", r.causality()),
                r.edits().size(), r.lmAccuracy(), r.lreAccuracy(), r.weightNorm(), r.biasNorm(), r.seconds());
        System.out.printf("%-16s %-14s %-22s %-22s %s%n", "subject", "object", "model top", "LRE top", "faithful");
        for (LreResult.Subject s : r.subjects()) {
            System.out.printf("%-16s %-14s %-22s %-22s %s%n", FunctionVectorCommand.clip(s.subject()),
                    FunctionVectorCommand.clip(s.object()),
                    String.format("%s %.3f", FunctionVectorCommand.q(s.lmTop()), s.lmProb()),
                    String.format("%s %.3f", FunctionVectorCommand.q(s.lreTop()), s.lreProb()), s.faithful() ? "yes" : "no");
        }
        System.out.printf("%-16s %-16s %-14s %-14s %s%n", "edit subject", "toward", "before", "after", "success");
        for (LreResult.Edit e : r.edits()) {
            System.out.printf("%-16s %-16s %-14s %-14s %s%n", FunctionVectorCommand.clip(e.subject()),
                    FunctionVectorCommand.clip(e.target() + " → " + e.targetObject()), FunctionVectorCommand.q(e.before()),
                    FunctionVectorCommand.q(e.after()), e.success() ? "yes" : "no");
        }
    }
}
