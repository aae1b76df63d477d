package lantern.api.fv;

/**
 * The knobs of a function-vector extraction; nulls take the defaults.
 *
 * @param heads      top heads summed (null: 10, capped at the model's head count)
 * @param layer      resid_post layer the vector is added to (null: layers / 3, the paper's choice)
 * @param shots      demonstrations per prompt (null: 10)
 * @param meanTrials prompts for the mean head outputs (null: 100)
 * @param aieTrials  shuffled-label prompts for the indirect effects (null: 25)
 */
public record FunctionVectorOptions(Integer heads, Integer layer, Integer shots, Integer meanTrials, Integer aieTrials,
                                    long seed) {
}
