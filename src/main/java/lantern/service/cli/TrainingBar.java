package lantern.service.cli;

import lantern.train.DecoderTrainingRun;
import lantern.train.DecoderTrainer;

/**
 * The one-line progress of a training run on stderr (step, loss, learning rate, rate, ETA), redrawn at most once a
 * second and at the last step; notes go on lines of their own. Shared by `train decoder` and `train verbalizer`.
 */
final class TrainingBar implements DecoderTrainingRun.Listener {
    private final String rateUnit;
    private final boolean gradNorm;
    private long lastDraw;

    /**
     * @param rateUnit what the rate counts ("tok/s", "examples/s")
     * @param gradNorm whether the line shows the gradient norm
     */
    TrainingBar(String rateUnit, boolean gradNorm) {
        this.rateUnit = rateUnit;
        this.gradNorm = gradNorm;
    }

    @Override
    public void note(String line) {
        System.err.println();
        System.err.println(line);
    }

    @Override
    public void onStep(long step, long total, DecoderTrainer.StepResult r, double rate, double eta) {
        long now = System.nanoTime();
        if (now - lastDraw < 1_000_000_000L && step != total) return;
        lastDraw = now;
        long e = (long) eta;
        System.err.printf("\rstep %,d/%s loss %.3f lr %.2e %s%,.0f %s ETA %d:%02d ", step,
                total < 0 ? "?" : String.format("%,d", total), r.loss(), r.lr(),
                gradNorm ? String.format("|g| %.2f ", r.gradNorm()) : "", rate, rateUnit, e / 60, e % 60);
    }
}
