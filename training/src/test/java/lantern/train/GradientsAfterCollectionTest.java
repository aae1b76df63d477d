package lantern.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import lantern.subject.Scalars;
import lantern.subject.decoder.DecoderModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A garbage collection between the forward and the backward pass must not change a gradient (issue 22). DJL's number
 * overloads ({@code x.mul(0.25)}, {@code x.pow(-0.5f)}) hand autograd an array over a Java buffer that nothing keeps
 * alive; the backward pass then read freed memory whenever the collector had run, so two identical trainings
 * (`train verbalizer`, `train decoder`, the SIGKILL-resume test's children) parted at random steps. {@link Scalars}
 * keeps the number in memory libtorch owns. Each check here runs the backward pass after a collection has freed
 * whatever was unreachable.
 */
class GradientsAfterCollectionTest {
    @Test
    void scalarsKeepTheirValueForTheBackwardPass() throws Exception {
        float[] xs = {1f, 2f, 3f};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.create(xs);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = Scalars.pow(Scalars.mul(x, 0.25), -0.5f).sum()
                        .add(Scalars.mul(Scalars.maximum(x, 2.5f), 3f).sum());
                collect();
                gc.backward(y);
            }
            float[] g = x.getGradient().toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                // d/dx (x/4)^-1/2 = -1/2 * 4^1/2 * x^-3/2; d/dx 3 max(x, 2.5) = 3 where x > 2.5
                double expected = -0.5 * Math.sqrt(4) * Math.pow(xs[i], -1.5) + (xs[i] > 2.5 ? 3 : 0);
                assertThat((double) g[i]).as("gradient at x = " + xs[i]).isCloseTo(expected, within(1e-5));
            }
        }
    }

    @Test
    void aDecodersGradientsAreTheSameWithACollectionBeforeBackward() throws Exception {
        TrainConfig c = new TrainConfig(2, 32, 2, 64, 12, 60, 3, 1e-2, 2, 0.1, 1.0, 0.9, 0.95, false, 5);
        ModelParameters p = ModelParameters.init(c.decoderConfig(), 5);
        Random r = new Random(1);
        int[][] rows = new int[3][13];
        for (int[] row : rows) for (int j = 0; j < row.length; j++) row[j] = r.nextInt(60);
        List<float[]> quiet = gradients(p, rows, false);
        List<float[]> collected = gradients(p, rows, true);
        assertThat(collected).hasSameSizeAs(quiet);
        for (int i = 0; i < quiet.size(); i++) {
            assertThat(collected.get(i)).as(p.tensors().get(i).name()).containsExactly(quiet.get(i));
        }
        assertThat(quiet.get(0)).as("the loss reaches the embedding").isNotEqualTo(new float[quiet.get(0).length]);
    }

    private static List<float[]> gradients(ModelParameters p, int[][] rows, boolean collectFirst) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            List<NDArray> leaves = new ArrayList<>();
            DecoderModel model = new DecoderModel("test", p.config(), m, p.toWeights(m, true, leaves), null, "test",
                    java.util.Set.of(0L));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = DecoderTrainer.meanLoss(model, m, rows);
                if (collectFirst) collect();
                gc.backward(loss);
            }
            List<float[]> out = new ArrayList<>();
            for (NDArray leaf : leaves) out.add(leaf.getGradient().toFloatArray());
            return out;
        }
    }

    /** Runs the collector and gives the reference handler time to free the direct buffers it found unreachable. */
    private static void collect() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }
}
