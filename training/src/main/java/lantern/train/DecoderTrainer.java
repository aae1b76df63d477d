package lantern.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import lantern.subject.Hooks;
import lantern.subject.MklDispatch;
import lantern.subject.TextTokenizer;
import lantern.subject.decoder.DecoderModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Trains a Llama decoder with DJL autograd through {@link DecoderModel#forward}, the forward pass inference and
 * every hook use: one model, one set of hook names. Per step the master weights are copied into fresh NDArrays that
 * record gradients; the loss is the mean next-token cross-entropy; gradients come back as Java arrays for
 * {@link AdamW}.
 */
public final class DecoderTrainer implements AutoCloseable {
    static {
        MklDispatch.ensure();
    }

    private final TrainConfig config;
    private final ModelParameters params;
    private final AdamW optimizer;
    private final NDManager base = NDManager.newBaseManager("PyTorch");
    private long step;

    public DecoderTrainer(TrainConfig config, ModelParameters params, AdamW optimizer, long step) {
        this.config = config;
        this.params = params;
        this.optimizer = optimizer;
        this.step = step;
    }

    public static DecoderTrainer fresh(TrainConfig config) {
        ModelParameters p = ModelParameters.init(config.decoderConfig(), config.seed());
        return new DecoderTrainer(config, p, new AdamW(p.tensors(), config.beta1(), config.beta2()), 0);
    }

    public TrainConfig config() {
        return config;
    }

    public ModelParameters parameters() {
        return params;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Steps taken so far. */
    public long step() {
        return step;
    }

    /** The outcome of one step: mean loss (nats/token), gradient norm before clipping, learning rate. */
    public record StepResult(double loss, double gradNorm, double lr) {
    }

    /** One optimizer step on {@code rows} (each {@code context + 1} tokens: inputs then the shifted targets). */
    public StepResult train(int[][] rows, long totalSteps) {
        double lr = config.learningRate(step, totalSteps);
        List<ModelParameters.Tensor> tensors = params.tensors();
        float[][] grads = new float[tensors.size()][];
        double loss;
        try (NDManager m = base.newSubManager()) {
            List<NDArray> leaves = new ArrayList<>();
            DecoderModel model = model(m, true, leaves, null);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = meanLoss(model, m, rows);
                gc.backward(l);
                loss = l.getFloat();
            }
            for (int i = 0; i < leaves.size(); i++) grads[i] = leaves.get(i).getGradient().toFloatArray();
        }
        double norm = optimizer.step(tensors, grads, step, lr, config.weightDecay(), config.clipNorm());
        step++;
        return new StepResult(loss, norm, lr);
    }

    /** Mean cross-entropy of the next token over a batch, as the graph's output. */
    public static NDArray meanLoss(DecoderModel model, NDManager m, int[][] rows) {
        return nll(model, m, rows).mean();
    }

    /** Per-target negative log-likelihood {@code [batch, context]} (natural log). */
    public static NDArray nll(DecoderModel model, NDManager m, int[][] rows) {
        int b = rows.length;
        int t = rows[0].length - 1;
        long[][] inputs = new long[b][t];
        long[] targets = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != t + 1) throw new IllegalArgumentException("batch rows must have equal lengths");
            for (int j = 0; j < t; j++) {
                inputs[i][j] = rows[i][j];
                targets[i * t + j] = rows[i][j + 1];
            }
        }
        NDArray logits = model.logits(model.forward(m, inputs, null, Hooks.none()));
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(m.create(targets, new Shape(b, t, 1)), 2);
        return picked.reshape(b, t).neg();
    }

    /**
     * The current weights as a {@link DecoderModel} in {@code m} (closing the model closes {@code m}); for held-out
     * loss and samples. {@code leaves} (may be null) receives the weight arrays.
     */
    public DecoderModel model(NDManager m, boolean grad, List<NDArray> leaves, TextTokenizer tokenizer) {
        return new DecoderModel("training", params.config(), m, params.toWeights(m, grad, leaves), tokenizer,
                "training", Set.of((long) BpeTrainer.END_OF_TEXT));
    }

    /**
     * Summed negative log-likelihood (nats) and the number of targets over non-overlapping windows of {@code
     * stream}: window k holds tokens {@code [k ctx, k ctx + ctx]} and predicts its last {@code ctx}.
     */
    public double[] heldOutNll(int[] stream, int windowsPerBatch) {
        int ctx = config.context();
        List<int[]> windows = windows(stream, ctx);
        double sum = 0;
        long n = 0;
        try (NDManager m = base.newSubManager()) {
            DecoderModel model = model(m, false, null, null);
            for (int i = 0; i < windows.size(); ) {
                int len = windows.get(i).length;
                List<int[]> batch = new ArrayList<>();
                while (i < windows.size() && batch.size() < windowsPerBatch && windows.get(i).length == len) {
                    batch.add(windows.get(i++));
                }
                try (NDManager bm = m.newSubManager()) {
                    float[] v = nll(model, bm, batch.toArray(int[][]::new)).toFloatArray();
                    for (float x : v) sum += x;
                    n += v.length;
                }
            }
        }
        return new double[]{sum, n};
    }

    /** Non-overlapping evaluation windows of {@code ctx + 1} tokens (the last one shorter), sharing one token. */
    public static List<int[]> windows(int[] stream, int ctx) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s + 1 < stream.length; s += ctx) {
            int end = Math.min(stream.length, s + ctx + 1);
            out.add(java.util.Arrays.copyOfRange(stream, s, end));
        }
        return out;
    }

    /** libtorch's intra-op threads (a run is reproducible for a given count). */
    public static int threads() {
        Engine.getEngine("PyTorch"); // loads libtorch
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + n);
        Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }

    /** fp32 GFLOP/s of a 2048^3 matrix product, timed for about {@code seconds} (what MFU is measured against). */
    public static double gemmGflops(double seconds) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray a = m.randomUniform(-1, 1, new Shape(2048, 2048));
            NDArray b = m.randomUniform(-1, 1, new Shape(2048, 2048));
            a.matMul(b).close();
            int reps = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < seconds * 1e9) {
                a.matMul(b).close();
                reps++;
            }
            return 2.0 * 2048 * 2048 * 2048 * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
    }

    @Override
    public void close() {
        base.close();
    }
}
