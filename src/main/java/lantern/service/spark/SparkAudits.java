package lantern.service.spark;

import lantern.core.spark.ExplainTask;

import lantern.core.ExplainFeature;
import lantern.api.FeatureRecords;
import lantern.core.ExplanationResult;

/**
 * An audit's explain-and-score step on Spark: the feature's records go to the driver, which runs them as a one-task
 * job on whichever executor is free ({@code explain-feature} op) and answers with the scored, not yet kept,
 * explanation. The audit engine stays in the app: it picks features (at most the audit's {@code concurrency} at
 * once, the total cap), logs each once, keeps and indexes each result once — a task Spark retried or ran twice
 * answers once.
 */
public final class SparkAudits {
    /** The driver op (lantern.spark.ExplainFeatureOp). */
    public static final String OP = "explain-feature";

    private SparkAudits() {
    }

    public static ExplanationResult explain(SparkEngine engine, FeatureRecords records, ExplainFeature.Options o) {
        return ExplainTask.result(engine.call(OP, ExplainTask.request(records, o.explainer(), o.simulator(),
                o.causal(), o.windows()), null));
    }
}
