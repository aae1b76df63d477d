package lantern.api.knowledge;

import java.util.List;

/**
 * Knowledge neurons and what intervening on them does.
 *
 * @param targetId  the target's token id (the target encoded alone, without special tokens)
 * @param prompts   per prompt: the target's probability, the largest attribution, the neurons above the threshold
 * @param neurons   the knowledge neurons, highest mean attribution first
 * @param knowledge suppressing / amplifying the knowledge neurons
 * @param random    the same for as many random neurons of the same layers (the control)
 */
public record KnowledgeResult(String model, String target, long targetId, int steps, double threshold, double share,
                              List<Prompt> prompts, List<Neuron> neurons, Effect knowledge, Effect random,
                              List<Neuron> randomNeurons) {
    /**
     * @param probability    P(target | prompt)
     * @param maxAttribution the largest attribution over every layer's neurons
     * @param coarse         neurons above {@code threshold × maxAttribution}
     * @param layerSums      per layer: the attributions' sum (completeness: ≈ P(a) − P(layer's neurons at 0))
     */
    public record Prompt(String prompt, double probability, double maxAttribution, int coarse, double[] layerSums) {
    }

    /**
     * @param featureId     {@code {model}/{layer}/mlp/{index}}, the feature page of this neuron
     * @param attribution   mean attribution over the prompts
     * @param sharedBy      prompts for which it was above the threshold
     */
    public record Neuron(int layer, int index, String featureId, double attribution, int sharedBy) {
    }

    /**
     * Means over the prompts of the target's probability.
     *
     * @param perPrompt [prompt][before, suppressed, amplified]
     */
    public record Effect(int neurons, double before, double suppressed, double amplified, double[][] perPrompt) {
        /** (suppressed − before) / before. */
        public double suppressedChange() {
            return before == 0 ? 0 : (suppressed - before) / before;
        }

        /** (amplified − before) / before. */
        public double amplifiedChange() {
            return before == 0 ? 0 : (amplified - before) / before;
        }
    }
}
