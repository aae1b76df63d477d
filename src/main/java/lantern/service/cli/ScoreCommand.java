package lantern.service.cli;


import lantern.eval.causal.CausalScore;
import lantern.collect.FeatureRecords;
import lantern.core.ExplanationResult;
import lantern.core.ExplanationService;
import picocli.CommandLine;

import java.util.function.Function;

/**
 * {@code lantern score minilm-l6/0/mlp/17 --explanation "plural nouns"}: scores a hypothesis someone wrote with the
 * same scorers as {@code explain} (records from a collection, or from an OpenAI NeuronRecord file with
 * {@code --records}) and stores it beside the feature's explanations, marked "user".
 */
@CommandLine.Command(name = "score", mixinStandardHelpOptions = true,
        description = "Scores a given explanation of a feature (simulation, detection, embedding) and stores it marked 'user'.")
public class ScoreCommand extends ExplainCommand {
    @CommandLine.Option(names = "--explanation", required = true, description = "The explanation to score, e.g. \"plural nouns\" or \"the tokens 'said', 'told'\".")
    String explanation;

    @Override
    boolean indexes() {
        return false; // a user's hypothesis is kept in the feature's history, not indexed (as the REST score call)
    }

    @Override
    ExplanationResult produce(ExplanationService service, FeatureRecords records, Function<FeatureRecords, CausalScore> causal,
                              lantern.core.ExplainFeature.Indexer indexer) {
        return service.score(records, explanation, simulator);
    }
}
