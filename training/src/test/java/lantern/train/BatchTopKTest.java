package lantern.train;

import lantern.subject.sae.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** BatchTopK and Matryoshka SAEs: batch-level sparsity, the inference threshold, nested losses, the saved format. */
class BatchTopKTest {
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void batchTopKKeepsKTimesBatchActivationsOverTheWholeBatch() {
        int b = 8, f = 16, k = 3;
        Random r = new Random(1);
        float[] pre = new float[b * f];
        for (int i = 0; i < pre.length; i++) pre[i] = r.nextFloat() * 2 - 0.3f; // mostly positive, some negative
        float[] acts = BatchTopK.activate(manager.create(pre, new Shape(b, f)), k).toFloatArray();
        // reference: the k·b largest positive values of the whole batch, in place
        float[] sorted = pre.clone();
        Arrays.sort(sorted);
        float cut = sorted[sorted.length - k * b];
        int total = 0;
        int[] perRow = new int[b];
        for (int i = 0; i < pre.length; i++) {
            float expect = pre[i] >= cut && pre[i] > 0 ? pre[i] : 0f;
            assertThat(acts[i]).isEqualTo(expect);
            if (acts[i] > 0) {
                total++;
                perRow[i / f]++;
            }
        }
        assertThat(total).isEqualTo(k * b);
        // not per token: rows differ (a per-token TopK would give every row exactly k)
        assertThat(Arrays.stream(perRow).distinct().count()).isGreaterThan(1);
    }

    @Test
    void thresholdIsTheMovingAverageOfTheSmallestKeptActivation() {
        NDArray acts = manager.create(new float[]{0f, 0.7f, 0f, 0.25f, 1.5f, 0f}, new Shape(2, 3));
        assertThat(BatchTopK.minPositive(acts)).isCloseTo(0.25, within(1e-6));
        assertThat(BatchTopK.minPositive(manager.zeros(new Shape(2, 3)))).isNaN();
        assertThat(BatchTopK.updateThreshold(1.0, 0.25, 0.01)).isCloseTo(0.99 * 1.0 + 0.01 * 0.25, within(1e-12));
        assertThat(BatchTopK.updateThreshold(1.0, Double.NaN, 0.01)).isEqualTo(1.0);
    }

    @Test
    void matryoshkaAddsOneReconstructionLossPerInnerPrefix() {
        int b = 4, f = 8, d = 3, k = 1;
        Random r = new Random(3);
        float[] pre = gaussian(r, b * f), x = gaussian(r, b * d), wDec = gaussian(r, f * d), bDec = gaussian(r, d);
        List<Integer> widths = List.of(2, 4, 8);
        NDArray acts = BatchTopK.activate(manager.create(pre, new Shape(b, f)), k);
        float got = BatchTopK.prefixLosses(acts, manager.create(x, new Shape(b, d)),
                manager.create(wDec, new Shape(f, d)), manager.create(bDec), widths).getFloat();
        // SAELens: one BatchTopK over the full width (the k·B largest of the whole batch), then each prefix of those
        // activations decodes on its own; never a new selection inside the prefix
        float[] sorted = pre.clone();
        Arrays.sort(sorted);
        float cut = sorted[sorted.length - k * b];
        double expect = 0;
        for (int w : new int[]{2, 4}) { // not the last level: that is the base loss
            float[] inner = new float[b * w];
            for (int t = 0; t < b; t++) System.arraycopy(pre, t * f, inner, t * w, w);
            double sum = 0;
            for (int t = 0; t < b; t++) {
                for (int j = 0; j < d; j++) {
                    double rec = bDec[j];
                    for (int i = 0; i < w; i++) {
                        float a = inner[t * w + i];
                        if (a >= cut && a > 0) rec += a * wDec[i * d + j];
                    }
                    sum += (x[t * d + j] - rec) * (x[t * d + j] - rec);
                }
            }
            expect += sum / b;
        }
        assertThat(got).isCloseTo((float) expect, within(1e-4f));
        assertThat(BatchTopK.doublingWidths(64, 4, 4)).containsExactly(8, 16, 32, 64);
        assertThatThrownBy(() -> BatchTopK.checkWidths(List.of(2, 8), 8, 4)).hasMessageContaining("smaller than k");
        assertThatThrownBy(() -> BatchTopK.checkWidths(List.of(4, 4, 8), 8, 1)).hasMessageContaining("increasing");
    }

    @Test
    void trainedBatchTopKInfersWithItsThresholdAndSavesAsSaeLensJumpRelu(@TempDir Path tmp) throws Exception {
        for (SaeArchitecture arch : new SaeArchitecture[]{SaeArchitecture.BATCHTOPK, SaeArchitecture.MATRYOSHKA}) {
            int d = 12, n = 2048, k = 2, f = 32;
            TokenActivations data = new TokenActivations("blocks.0.hook_resid_post", manager.create(sparseData(d, n), new Shape(n, d)), 0);
            // a faster threshold rate than SAELens's 0.01 so that 48 steps settle it (the EMA from 0 is at 99%)
            SaeTrainingOptions opt = new SaeTrainingOptions(arch, f, k, 0f, 0.004f, 128, 3, 200_000, 200, 42,
                    arch == SaeArchitecture.MATRYOSHKA ? List.of(4, 8, 32) : List.of(), 0.1);
            SaeTrainer.Result res = new SaeTrainer(opt, null).train("synthetic", data, manager);
            try (Sae sae = res.sae()) {
                assertThat(sae.config().architecture()).isEqualTo(arch);
                float[] th = sae.weights().threshold();
                assertThat(th).hasSize(f);
                assertThat(th[0]).isPositive();
                for (float t : th) assertThat(t).isEqualTo(th[0]);
                // inference: a JumpReLU with that threshold, from the weights by hand
                float[] xs = Arrays.copyOf(sparseData(d, 16), 16 * d);
                float[] got = sae.encode(manager.create(xs, new Shape(16, d))).toFloatArray();
                SaeWeights w = sae.weights();
                double l0 = 0;
                for (int t = 0; t < 16; t++) {
                    for (int j = 0; j < f; j++) {
                        double pre = w.bEnc()[j];
                        for (int i = 0; i < d; i++) pre += (xs[t * d + i] - w.bDec()[i]) * w.wEnc()[i * f + j];
                        double expect = pre > th[j] ? pre : 0;
                        assertThat((double) got[t * f + j]).isCloseTo(expect, within(1e-3));
                        if (expect > 0) l0++;
                    }
                }
                // the threshold tracks the batch-level cut: the inference L0 is near k, far below d_sae
                assertThat(l0 / 16).isBetween(0.5, 3.0 * k);

                Path dir = tmp.resolve(arch.cfgName());
                SaeLensFormat.save(sae, dir);
                JsonNode cfg = new ObjectMapper().readTree(dir.resolve(SaeLensFormat.CFG).toFile());
                assertThat(cfg.path("architecture").asText()).isEqualTo("jumprelu");
                assertThat(cfg.path("metadata").path("lantern_training_architecture").asText()).isEqualTo(arch.cfgName());
                try (Sae loaded = SaeLensFormat.load(dir, manager)) {
                    assertThat(loaded.config().architecture()).isEqualTo(arch);
                    assertThat(loaded.config().k()).isEqualTo(k);
                    assertThat(loaded.config().kind()).isEqualTo(arch == SaeArchitecture.BATCHTOPK ? "sae-resid_post-batchtopk2" : "sae-resid_post-matryoshka2");
                    assertThat(loaded.weights().threshold()).containsExactly(th);
                    assertThat(loaded.fingerprint()).isEqualTo(sae.fingerprint());
                }
            }
        }
    }

    /** Sums of two of 16 fixed directions with magnitudes in [1, 3]. */
    static float[] sparseData(int d, int n) {
        Random r = new Random(5);
        float[][] dirs = new float[16][];
        for (int i = 0; i < dirs.length; i++) dirs[i] = gaussian(r, d);
        Random pick = new Random(6);
        float[] x = new float[n * d];
        for (int t = 0; t < n; t++) {
            for (int c = 0; c < 2; c++) {
                float[] v = dirs[pick.nextInt(dirs.length)];
                float a = 1 + 2 * pick.nextFloat();
                for (int i = 0; i < d; i++) x[t * d + i] += a * v[i];
            }
        }
        return x;
    }

    static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
