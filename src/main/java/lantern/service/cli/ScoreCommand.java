package lantern.service.cli;


import lantern.core.ExplainHere;
import picocli.CommandLine;


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
    ExplainHere.Request request() {
        ExplainHere.Request r = super.request();
        return new ExplainHere.Request(r.feature(), r.recordsFile(), r.collection(), r.explainer(), r.simulator(),
                r.llmJudges(), r.embedding(), r.causal(), r.output(), r.windows(), r.llmOverrides(), explanation);
    }
}
