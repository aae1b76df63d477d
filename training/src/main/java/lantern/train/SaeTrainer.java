package lantern.train;

import lantern.subject.sae.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;

import java.util.Random;

/**
 * Trains an SAE on token activations with DJL autograd (PyTorch engine) and a hand-written Adam.
 *
 * <ul>
 *   <li>Inputs are scaled so their mean norm is sqrt(d_in) (one learning rate and λ fit every hook); the scale is
 *       folded into the saved weights, so the result reads raw activations ({@code normalize_activations: none}).</li>
 *   <li>TopK: loss = mean over tokens of ‖x − x̂‖². ReLU: the same plus λ·Σ|α|. BatchTopK and Matryoshka: the
 *       TopK loss with the batch-level activation, Matryoshka plus its nested prefix losses, and the inference
 *       threshold tracked as SAELens does ({@link BatchTopK}); saved as JumpReLU SAEs with that threshold.
 *       SAELens adds an auxiliary loss for dead latents to the TopK family; we resample dead latents instead.</li>
 *   <li>Decoder rows are kept at unit norm after every step, and the gradient component along each row is removed
 *       first, so the step does not fight the renormalisation (the L1 penalty cannot shrink by growing them).</li>
 *   <li>Init: decoder rows random unit vectors, encoder = decoder transposed, b_dec = data mean, b_enc = 0.</li>
 *   <li>Dead features (no firing for {@code deadAfterTokens} tokens) are resampled every {@code resampleEvery} steps
 *       toward high-loss inputs: a token is drawn with probability ∝ its squared reconstruction error, the
 *       feature's decoder row becomes that token's normalised residual, its encoder column the same direction at
 *       the alive features' mean encoder norm (×0.2 for ReLU), its bias 0 and its Adam state is cleared.</li>
 * </ul>
 *
 * <p>Transcoders ({@link #trainTranscoder}) use the same loop with a target: the input x and the target y (another
 * hook of the same tokens) are scaled separately, the loss is ‖y − ŷ‖², {@code b_dec} starts at the target's mean
 * and is not subtracted from the input, and a resampled feature's encoder column points along the input of the
 * token it was drawn for.
 */
public final class SaeTrainer {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    /** What training did: steps, tokens seen, features resampled, input scale and wall time. */
    public record Result(Sae sae, int steps, long tokensSeen, int resampled, float inputScale, double seconds) {
        // the BatchTopK threshold is the saved SAE's (sae.weights().threshold())
    }

    private final SaeTrainingOptions opt;
    private final SaeTrainingListener listener;

    private NDManager tm;
    private NDArray wEnc, bEnc, wDec, bDec;
    private NDArray[] m, v;
    private int t;
    private NDArray lastTopIndices;
    /** BatchTopK's inference threshold (double, as SAELens keeps it), in the scaled input space = the raw one's. */
    private double threshold;
    /** The target rows for a transcoder (null: an autoencoder, the input is the target) and their scale. */
    private NDArray target;
    private float targetScale = 1f;

    public SaeTrainer(SaeTrainingOptions options, SaeTrainingListener listener) {
        this.opt = options;
        this.listener = listener == null ? SaeTrainingListener.NONE : listener;
    }

    /** A trained transcoder's weights (reading raw inputs, writing raw outputs) and how training went. */
    public record TranscoderResult(SaeWeights weights, int steps, long tokensSeen, int resampled, double seconds) {
    }

    /**
     * Trains a transcoder from {@code input} to {@code output}, row i of each being the same token.
     */
    public TranscoderResult trainTranscoder(TokenActivations input, TokenActivations output, NDManager parent) {
        if (input.tokens() != output.tokens()) {
            throw new IllegalArgumentException("input and output rows differ: " + input.tokens() + " vs " + output.tokens());
        }
        target = output.data();
        try {
            Result r = train("transcoder", input, parent);
            SaeWeights w;
            try (Sae sae = r.sae()) {
                w = sae.weights();
            }
            return new TranscoderResult(w, r.steps(), r.tokensSeen(), r.resampled(), r.seconds());
        } finally {
            target = null;
        }
    }

    public Result train(String model, TokenActivations data, NDManager parent) {
        long start = System.nanoTime();
        NDArray x = data.data();
        long n = data.tokens();
        int d = data.width();
        int f = opt.features();
        if (n < opt.batchSize()) throw new IllegalArgumentException("need at least " + opt.batchSize() + " tokens, have " + n);
        tm = parent.newSubManager();
        try {
            float scale;
            try (NDManager s = tm.newSubManager()) {
                NDArray norms = x.norm(new int[]{1});
                norms.attach(s);
                scale = (float) (Math.sqrt(d) / norms.mean().getFloat());
                if (target != null) {
                    NDArray yNorms = target.norm(new int[]{1});
                    yNorms.attach(s);
                    targetScale = (float) (Math.sqrt(target.getShape().get(1)) / yNorms.mean().getFloat());
                }
            }
            Random rnd = new Random(opt.seed());
            init(x, d, f, scale, rnd);

            int steps = (int) Math.ceil(n * opt.epochs() / opt.batchSize());
            long[] sinceFired = new long[f];
            long[] order = permutation(n, rnd);
            int cursor = 0;
            int resampled = 0;
            for (int step = 1; step <= steps; step++) {
                long[] idx = new long[opt.batchSize()];
                for (int i = 0; i < idx.length; i++) {
                    if (cursor == order.length) {
                        order = permutation(n, rnd);
                        cursor = 0;
                    }
                    idx[i] = order[cursor++];
                }
                boolean report = step % 10 == 0 || step == steps || step == 1;
                float[] stats = step(x, idx, scale, sinceFired, report);
                int dead = 0;
                for (long s : sinceFired) if (s >= opt.deadAfterTokens()) dead++;
                if (opt.resampleEvery() > 0 && step % opt.resampleEvery() == 0 && step < 0.7 * steps && dead > 0) {
                    resampled += resample(x, scale, sinceFired, rnd);
                }
                if (report) listener.onStep(step, steps, stats[0], stats[1], stats[2], dead, resampled);
            }
            // pre-activations of raw inputs with the folded weights equal the scaled ones: the threshold carries over
            float[] th = null;
            if (opt.architecture().isBatchTopK()) {
                th = new float[f];
                java.util.Arrays.fill(th, (float) threshold);
            }
            float outScale = target == null ? scale : targetScale;
            SaeWeights w = new SaeWeights(mulAll(wEnc.toFloatArray(), scale), bEnc.toFloatArray(),
                    mulAll(wDec.toFloatArray(), 1f / outScale), mulAll(bDec.toFloatArray(), 1f / outScale), th);
            SaeConfig cfg = new SaeConfig(model, data.hook(), d, f, opt.architecture(), opt.k(), target == null, "none");
            Sae sae = Sae.of(cfg, w, parent);
            return new Result(sae, steps, (long) steps * opt.batchSize(), resampled, scale, (System.nanoTime() - start) / 1e9);
        } finally {
            tm.close();
        }
    }

    private void init(NDArray x, int d, int f, float scale, Random rnd) {
        float[] dec = new float[f * d];
        for (int i = 0; i < dec.length; i++) dec[i] = (float) rnd.nextGaussian();
        for (int j = 0; j < f; j++) normalizeRow(dec, j, d);
        float[] enc = new float[d * f];
        for (int j = 0; j < f; j++) for (int i = 0; i < d; i++) enc[i * f + j] = dec[j * d + i];
        float[] mean;
        try (NDManager s = tm.newSubManager()) {
            NDArray mu = (target == null ? x : target).mean(new int[]{0});
            mu.attach(s);
            mean = mulAll(mu.toFloatArray(), target == null ? scale : targetScale);
        }
        setParams(enc, new float[f], dec, mean, d, f);
        m = new NDArray[]{tm.zeros(wEnc.getShape()), tm.zeros(bEnc.getShape()), tm.zeros(wDec.getShape()), tm.zeros(bDec.getShape())};
        v = new NDArray[]{tm.zeros(wEnc.getShape()), tm.zeros(bEnc.getShape()), tm.zeros(wDec.getShape()), tm.zeros(bDec.getShape())};
    }

    private void setParams(float[] enc, float[] be, float[] dec, float[] bd, int d, int f) {
        NDArray[] old = {wEnc, bEnc, wDec, bDec};
        wEnc = tm.create(enc, new Shape(d, f));
        bEnc = tm.create(be);
        wDec = tm.create(dec, new Shape(f, d));
        bDec = tm.create(bd);
        for (NDArray p : new NDArray[]{wEnc, bEnc, wDec, bDec}) p.setRequiresGradient(true);
        for (NDArray p : old) if (p != null) p.close();
    }

    /** One optimisation step; returns {loss, L0, explained variance} when {@code report}, else zeros. */
    private float[] step(NDArray x, long[] idx, float scale, long[] sinceFired, boolean report) {
        float[] out = new float[3];
        try (NDScope scope = new NDScope()) {
            NDArray rows = tm.create(idx);
            NDArray xb = x.get(new NDIndex("{}", rows)).mul(scale);
            NDArray yb = target == null ? xb : target.get(new NDIndex("{}", rows)).mul(targetScale);
            NDArray feats;
            NDArray err;
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray pre = (target == null ? xb.sub(bDec) : xb).matMul(wEnc).add(bEnc);
                if (opt.architecture() == SaeArchitecture.TOPK) {
                    // sparse decode: only k rows of W_dec per token take part (k/d_sae of the dense cost, both ways)
                    NDList top = pre.topK(opt.k(), -1, true, false);
                    NDArray values = Activation.relu(top.get(0));
                    NDArray decRows = wDec.get(new NDIndex("{}", top.get(1)));
                    err = values.expandDims(1).matMul(decRows).squeeze(1).add(bDec).sub(yb);
                    feats = values;
                    lastTopIndices = top.get(1);
                } else if (opt.architecture().isBatchTopK()) {
                    feats = BatchTopK.activate(pre, opt.k());
                    err = feats.matMul(wDec).add(bDec).sub(yb);
                } else {
                    feats = Activation.relu(pre);
                    err = feats.matMul(wDec).add(bDec).sub(yb);
                }
                loss = err.square().sum(new int[]{1}).mean();
                if (opt.architecture() == SaeArchitecture.MATRYOSHKA && opt.matryoshkaWidths().size() > 1) {
                    loss = loss.add(BatchTopK.prefixLosses(feats, yb, wDec, bDec, opt.matryoshkaWidths()));
                }
                if (opt.architecture() == SaeArchitecture.STANDARD) {
                    loss = loss.add(lantern.subject.Scalars.mul(feats.abs().sum(new int[]{1}).mean(), opt.l1()));
                }
                gc.backward(loss);
            }
            // Grad mode is per thread in libtorch and DJL's collector restores this thread's previous mode, which is
            // "on" for a thread other than the one that started the engine: the in-place Adam update below must run
            // with it off (else "a leaf Variable that requires grad is being used in an in-place operation").
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
            if (opt.architecture().isBatchTopK()) {
                threshold = BatchTopK.updateThreshold(threshold, BatchTopK.minPositive(feats), opt.thresholdLr());
            }
            NDArray gEnc = wEnc.getGradient(), gbEnc = bEnc.getGradient(), gDec = wDec.getGradient(), gbDec = bDec.getGradient();
            // remove the part of the decoder gradient along each (unit) row: renormalising would undo it anyway
            NDArray along = gDec.mul(wDec).sum(new int[]{1}, true);
            NDArray gDecPerp = gDec.sub(wDec.mul(along));
            t++;
            NDArray[] params = {wEnc, bEnc, wDec, bDec};
            NDArray[] grads = {gEnc, gbEnc, gDecPerp, gbDec};
            float lrT = (float) (opt.learningRate() * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
            for (int i = 0; i < 4; i++) {
                NDArray g = grads[i];
                m[i].muli(BETA1).addi(g.mul(1 - BETA1));
                v[i].muli(BETA2).addi(g.square().mul(1 - BETA2));
                params[i].subi(m[i].div(v[i].sqrt().add(EPS)).mul(lrT));
            }
            wDec.divi(wDec.norm(new int[]{1}, true).maximum(1e-8f));
            for (NDArray g : new NDArray[]{gEnc, gbEnc, gDec, gbDec}) g.subi(g);

            float[] perFeature = firedPerFeature(feats, idx.length);
            for (int j = 0; j < perFeature.length; j++) {
                sinceFired[j] = perFeature[j] > 0 ? 0 : sinceFired[j] + idx.length;
            }
            if (report) {
                float total = feats.gt(0f).toType(DataType.FLOAT32, false).sum().getFloat();
                NDArray centered = yb.sub(yb.mean(new int[]{0}, true));
                float var = centered.square().sum().getFloat();
                out[0] = loss.getFloat();
                out[1] = total / idx.length;
                out[2] = 1f - err.square().sum().getFloat() / var;
            }
        }
        return out;
    }

    /** Tokens of the batch on which each feature fired. TopK training keeps (values, indices) instead of dense. */
    private float[] firedPerFeature(NDArray feats, int batch) {
        if (opt.architecture() != SaeArchitecture.TOPK) {
            return feats.gt(0f).toType(DataType.FLOAT32, false).sum(new int[]{0}).toFloatArray();
        }
        float[] out = new float[opt.features()];
        float[] values = feats.toFloatArray();
        long[] ids = lastTopIndices.toLongArray();
        for (int i = 0; i < values.length; i++) if (values[i] > 0) out[(int) ids[i]]++;
        return out;
    }

    /** Re-initialises dead features toward inputs the SAE reconstructs worst; returns how many. */
    private int resample(NDArray x, float scale, long[] sinceFired, Random rnd) {
        int d = (int) wDec.getShape().get(1);
        int f = (int) wDec.getShape().get(0);
        long n = x.getShape().get(0);
        int sample = (int) Math.min(n, 16384);
        long[] idx = new long[sample];
        for (int i = 0; i < sample; i++) idx[i] = (long) (rnd.nextDouble() * n);
        float[] resid;
        float[] inputs = null;
        try (NDScope scope = new NDScope()) {
            NDArray rows = tm.create(idx);
            NDArray xs = x.get(new NDIndex("{}", rows)).mul(scale);
            NDArray ys = target == null ? xs : target.get(new NDIndex("{}", rows)).mul(targetScale);
            NDArray pre = (target == null ? xs.sub(bDec) : xs).matMul(wEnc).add(bEnc);
            NDArray feats = opt.architecture() == SaeArchitecture.TOPK ? Sae.topK(pre, opt.k())
                    : opt.architecture().isBatchTopK() ? Activation.relu(pre).mul(pre.gt((float) threshold).toType(DataType.FLOAT32, false))
                    : Activation.relu(pre);
            resid = ys.sub(feats.matMul(wDec).add(bDec)).toFloatArray();
            if (target != null) inputs = xs.toFloatArray();
        }
        double[] cumulative = new double[sample];
        double acc = 0;
        for (int i = 0; i < sample; i++) {
            double l = 0;
            for (int j = 0; j < d; j++) l += resid[i * d + j] * resid[i * d + j];
            acc += l * l;
            cumulative[i] = acc;
        }
        float[] enc = wEnc.toFloatArray(), be = bEnc.toFloatArray(), dec = wDec.toFloatArray(), bd = bDec.toFloatArray();
        float[][] mState = new float[4][], vState = new float[4][];
        for (int i = 0; i < 4; i++) {
            mState[i] = m[i].toFloatArray();
            vState[i] = v[i].toFloatArray();
        }
        double aliveNorm = 0;
        int alive = 0;
        for (int j = 0; j < f; j++) {
            if (sinceFired[j] >= opt.deadAfterTokens()) continue;
            double s = 0;
            for (int i = 0; i < d; i++) s += enc[i * f + j] * enc[i * f + j];
            aliveNorm += Math.sqrt(s);
            alive++;
        }
        float encNorm = (float) (alive == 0 ? 1.0 : aliveNorm / alive) * (opt.architecture().usesK() ? 1f : 0.2f);
        int count = 0;
        for (int j = 0; j < f; j++) {
            if (sinceFired[j] < opt.deadAfterTokens()) continue;
            double r = rnd.nextDouble() * acc;
            int pick = java.util.Arrays.binarySearch(cumulative, r);
            if (pick < 0) pick = Math.min(sample - 1, -pick - 1);
            double norm = 0;
            for (int i = 0; i < d; i++) norm += resid[pick * d + i] * resid[pick * d + i];
            norm = Math.max(Math.sqrt(norm), 1e-8);
            double inNorm = 0;
            if (inputs != null) for (int i = 0; i < d; i++) inNorm += inputs[pick * d + i] * inputs[pick * d + i];
            inNorm = Math.max(Math.sqrt(inNorm), 1e-8);
            for (int i = 0; i < d; i++) {
                float dir = (float) (resid[pick * d + i] / norm);
                dec[j * d + i] = dir;
                enc[i * f + j] = (inputs == null ? dir : (float) (inputs[pick * d + i] / inNorm)) * encNorm;
                mState[0][i * f + j] = 0;
                vState[0][i * f + j] = 0;
                mState[2][j * d + i] = 0;
                vState[2][j * d + i] = 0;
            }
            be[j] = 0;
            mState[1][j] = 0;
            vState[1][j] = 0;
            sinceFired[j] = 0;
            count++;
        }
        setParams(enc, be, dec, bd, d, f);
        for (int i = 0; i < 4; i++) {
            NDArray oldM = m[i], oldV = v[i];
            m[i] = tm.create(mState[i], oldM.getShape());
            v[i] = tm.create(vState[i], oldV.getShape());
            oldM.close();
            oldV.close();
        }
        return count;
    }

    private static long[] permutation(long n, Random rnd) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many tokens for one permutation: " + n);
        long[] p = new long[(int) n];
        for (int i = 0; i < p.length; i++) p[i] = i;
        for (int i = p.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    private static void normalizeRow(float[] a, int row, int width) {
        double s = 0;
        for (int i = 0; i < width; i++) s += a[row * width + i] * a[row * width + i];
        float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-12));
        for (int i = 0; i < width; i++) a[row * width + i] *= inv;
    }

    private static float[] mulAll(float[] a, float s) {
        for (int i = 0; i < a.length; i++) a[i] *= s;
        return a;
    }
}
