package lantern.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.MklDispatch;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.selfreport.SoftTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Trains a verbalizer: a Llama decoder (a copy of the subject, or another decoder trained here) that reads a state
 * through a learned affine map into {@code k} soft tokens and writes the text the state came from. The same autograd
 * path as {@link DecoderTrainer}: the master weights (decoder + map) are Java arrays updated by {@link AdamW}; each
 * step copies them into NDArrays that record gradients and runs {@link DecoderModel#forward} with the soft tokens
 * written at {@code hook_embed} (positions 1..k, after BOS).
 *
 * <p>A row is {@code BOS, k placeholders, t1..tn}; the loss is the mean cross-entropy of {@code t1..tn, EOS} read
 * from positions {@code k..k+n}, over the real targets of the batch (rows are padded to a common length).
 */
public final class VerbalizerTrainer implements AutoCloseable {
    static {
        MklDispatch.ensure();
    }

    /** Hyperparameters of one run. */
    public record Config(int softTokens, int inputWidth, int batch, double peakLr, int warmupSteps,
                         double weightDecay, double clipNorm, long seed) {
        public Config {
            if (softTokens < 1 || inputWidth < 1 || batch < 1) throw new IllegalArgumentException(
                    "soft tokens, input width and batch must be positive");
            if (!(peakLr > 0)) throw new IllegalArgumentException("learning rate must be positive");
        }

        /** Linear warm-up, then cosine to a tenth of the peak at {@code total}. */
        public double learningRate(long step, long total) {
            if (step < warmupSteps) return peakLr * (step + 1) / warmupSteps;
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, total - warmupSteps));
            double min = peakLr / 10;
            return min + 0.5 * (peakLr - min) * (1 + Math.cos(Math.PI * progress));
        }
    }

    private final Config config;
    private final ModelParameters decoder;
    private final ModelParameters.Tensor mapWeight;
    private final ModelParameters.Tensor mapBias;
    private final List<ModelParameters.Tensor> tensors;
    private final AdamW optimizer;
    private final long bos;
    private final long eos;
    private final NDManager base = NDManager.newBaseManager("PyTorch");
    private long step;

    /**
     * @param decoder the decoder's weights (trained in place)
     * @param bos     the id rows start with (and the placeholders carry)
     * @param eos     the id that ends each target text
     */
    public VerbalizerTrainer(Config config, ModelParameters decoder, long bos, long eos) {
        this.config = config;
        this.decoder = decoder;
        int kd = config.softTokens() * decoder.config().dModel();
        this.mapWeight = new ModelParameters.Tensor("map.weight", new long[]{config.inputWidth(), kd},
                new float[config.inputWidth() * kd], true);
        this.mapBias = new ModelParameters.Tensor("map.bias", new long[]{kd}, new float[kd], false);
        // The map starts so that a unit-RMS state gives soft tokens of the embeddings' typical scale.
        float[] emb = decoder.get("embed").values();
        double ss = 0;
        for (float e : emb) ss += (double) e * e;
        double rms = Math.sqrt(ss / emb.length);
        Random r = new Random(config.seed());
        double std = rms / Math.sqrt(config.inputWidth());
        float[] w = mapWeight.values();
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * std);
        this.tensors = new ArrayList<>(decoder.tensors());
        tensors.add(mapWeight);
        tensors.add(mapBias);
        this.optimizer = new AdamW(tensors, 0.9, 0.95);
        this.bos = bos;
        this.eos = eos;
    }

    public Config config() {
        return config;
    }

    public ModelParameters decoder() {
        return decoder;
    }

    public float[] mapWeight() {
        return mapWeight.values();
    }

    public float[] mapBias() {
        return mapBias.values();
    }

    /** Every trained tensor, decoder first then the map: the checkpoint's order. */
    public List<ModelParameters.Tensor> tensors() {
        return tensors;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public long step() {
        return step;
    }

    /** Continues from a checkpoint's state (values, moments and step). */
    public void restore(TrainCheckpoint.State s) {
        TrainCheckpoint.restoreInto(tensors, optimizer, s);
        step = s.step();
    }

    /**
     * One optimizer step.
     *
     * @param states  one state per row, {@code inputWidth} wide
     * @param targets the text of each state as token ids (without EOS; may differ in length, at least 1)
     */
    public DecoderTrainer.StepResult train(float[][] states, int[][] targets, long totalSteps) {
        double lr = config.learningRate(step, totalSteps);
        float[][] grads = new float[tensors.size()][];
        double loss;
        try (NDManager m = base.newSubManager()) {
            List<NDArray> leaves = new ArrayList<>();
            DecoderModel model = model(m, true, leaves);
            NDArray w = m.create(mapWeight.values(), new Shape(mapWeight.shape()));
            NDArray b = m.create(mapBias.values(), new Shape(mapBias.shape()));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            leaves.add(w);
            leaves.add(b);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = loss(model, m, w, b, states, targets);
                gc.backward(l);
                loss = l.getFloat();
            }
            for (int i = 0; i < leaves.size(); i++) grads[i] = leaves.get(i).getGradient().toFloatArray();
        }
        double norm = optimizer.step(tensors, grads, step, lr, config.weightDecay(), config.clipNorm());
        step++;
        return new DecoderTrainer.StepResult(loss, norm, lr);
    }

    /** Mean target cross-entropy (nats) of a batch with the current weights, no gradients: held-out loss. */
    public double evalLoss(float[][] states, int[][] targets) {
        try (NDManager m = base.newSubManager()) {
            DecoderModel model = model(m, false, null);
            NDArray w = m.create(mapWeight.values(), new Shape(mapWeight.shape()));
            NDArray b = m.create(mapBias.values(), new Shape(mapBias.shape()));
            return loss(model, m, w, b, states, targets).getFloat();
        }
    }

    private NDArray loss(DecoderModel model, NDManager m, NDArray w, NDArray b, float[][] states, int[][] targets) {
        int rows = states.length;
        int k = config.softTokens();
        int n = 0;
        for (int[] t : targets) n = Math.max(n, t.length);
        int len = 1 + k + n;
        long[][] ids = new long[rows][len];
        long[] next = new long[rows * (n + 1)];
        float[] mask = new float[rows * (n + 1)];
        float[] flat = new float[rows * config.inputWidth()];
        for (int i = 0; i < rows; i++) {
            if (states[i].length != config.inputWidth()) throw new IllegalArgumentException("state width "
                    + states[i].length + ", expected " + config.inputWidth());
            System.arraycopy(states[i], 0, flat, i * config.inputWidth(), config.inputWidth());
            java.util.Arrays.fill(ids[i], 0, 1 + k, bos);
            for (int j = 0; j <= n; j++) {
                long tok = j < targets[i].length ? targets[i][j] : eos;
                if (j < n) ids[i][1 + k + j] = j < targets[i].length ? targets[i][j] : eos;
                next[i * (n + 1) + j] = tok;
                mask[i * (n + 1) + j] = j <= targets[i].length ? 1f : 0f;
            }
        }
        int d = decoder.config().dModel();
        NDArray soft = SoftTokens.map(m.create(flat, new Shape(rows, config.inputWidth())), w, b, k, d);
        Hooks hooks = Hooks.none().replace(HookNames.EMBED, SoftTokens.at(soft));
        NDArray out = model.forward(m, ids, null, hooks);
        NDArray logits = model.logits(out.get(new NDIndex(":, {}:{}, :", k, k + n + 1)));
        NDArray picked = logits.logSoftmax(-1).gather(m.create(next, new Shape(rows, n + 1, 1)), 2)
                .reshape(rows, n + 1);
        NDArray mk = m.create(mask, new Shape(rows, n + 1));
        return picked.mul(mk).sum().neg().div(mk.sum());
    }

    private DecoderModel model(NDManager m, boolean grad, List<NDArray> leaves) {
        return new DecoderModel("verbalizer-training", decoder.config(), m, decoder.toWeights(m, grad, leaves), null,
                "training", Set.of(eos), bos);
    }

    @Override
    public void close() {
        base.close();
    }
}
