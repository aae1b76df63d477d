package lantern.service.cli;

import lantern.cli.DataOption;

import jakarta.inject.Inject;
import lantern.api.causal.CausalScore;
import lantern.api.FeatureId;
import lantern.service.FeatureRecordsService;
import lantern.service.CausalService;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** The causal check from the terminal: same as POST /api/features/{id}/causal. */
@CommandLine.Command(name = "causal", mixinStandardHelpOptions = true,
        description = "Ablate a neuron or SAE feature and compare its effect on its top windows vs random windows (MiniLM: sentence embedding change; decoders: next-token KL).")
public class CausalCommand implements Callable<Integer> {
    /** Accepted like every command's (the launcher hands it to the app as lantern.data-dir before start). */
    @CommandLine.Mixin
    DataOption data = new DataOption();

    @Inject
    FeatureRecordsService records;
    @Inject
    CausalService causal;

    @CommandLine.Parameters(index = "0", description = "Feature id, e.g. minilm-l6/3/mlp/750 or minilm-l6/3/sae-resid_post-k32/77.")
    String feature;

    @Override
    public Integer call() {
        CausalScore s = causal.causal(records.require(FeatureId.parse(feature)));
        System.out.printf("%s  ablation: %s%n", s.feature(), s.intervention());
        System.out.printf("  effect on top windows    %.4g ± %.4g (%d texts)%n", s.topEffect(), s.topStd(), s.topTexts());
        System.out.printf("  effect on random windows %.4g ± %.4g (%d texts)%n", s.randomEffect(), s.randomStd(), s.randomTexts());
        boolean decoder = s.intervention().contains("next-token KL");
        System.out.printf("  ratio %.2f, selectivity %.3f = (top - random) / (top + random)  (effect = %s)%n", s.ratio(),
                s.selectivity(), decoder ? "KL divergence of the next-token distribution with the ablation from without it"
                        : "1 - cosine of the sentence embedding with and without the ablation");
        return 0;
    }
}
