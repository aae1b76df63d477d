package lantern.subject.decoder;

import lantern.errors.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.ModelInfo;
import lantern.subject.Scalars;
import lantern.subject.HookedModel;
import lantern.subject.TextTokenizer;

/**
 * A decoder-only transformer (GPT-2 or Llama family) run by our own forward pass on DJL NDArrays, so that every
 * activation passes a named hook ({@link HookNames}). Batches hold sequences of equal length (right-pad: causal
 * attention keeps the padding from touching earlier positions). A {@link KvCache} carries keys and values between
 * calls for generation.
 *
 * <p>Hook shapes: {@code [batch, newTokens, width]}; {@code attn.hook_pattern} is {@code [batch, heads, newTokens,
 * allTokens]}, {@code attn.hook_z} {@code [batch, newTokens, heads, headDim]}. {@code ln1/ln2.hook_normalized} are the
 * norms' outputs before their gain (x/σ, see {@link HookNames}); watching them runs the norm unfused (equal up to
 * float rounding). {@code mlp.hook_in} is what the MLP's first matrices read. {@code mlp.hook_pre} is the first MLP projection (for SwiGLU: the gate, as TransformerLens does) and
 * {@code mlp.hook_post} the neurons fed to the output projection.
 */
public final class DecoderModel implements HookedModel {
    private final String id;
    private final DecoderConfig config;
    private final NDManager manager;
    private final DecoderWeights weights;
    private final TextTokenizer tokenizer;
    private final String source;
    private final double[] invFreq;
    private final java.util.Set<Long> stopTokens;
    private final Long bos;
    private final java.util.List<String> hookNames;
    private final java.util.Set<String> hookSet;

    /** Takes ownership of {@code manager} (the weights live there) and of the tokenizer when it is closeable. */
    public DecoderModel(String id, DecoderConfig config, NDManager manager, DecoderWeights weights,
                        TextTokenizer tokenizer, String source, java.util.Set<Long> stopTokens) {
        this(id, config, manager, weights, tokenizer, source, stopTokens, null);
    }

    /**
     * @param bos the beginning-of-sequence id sequences start with when the tokenizer adds none itself (GPT-2's
     *            {@code <|endoftext|>}, from {@code bos_token_id}); null: only what the tokenizer adds
     */
    public DecoderModel(String id, DecoderConfig config, NDManager manager, DecoderWeights weights,
                        TextTokenizer tokenizer, String source, java.util.Set<Long> stopTokens, Long bos) {
        this.bos = bos;
        this.hookNames = HookNames.preNorm(config.layers());
        this.hookSet = java.util.Set.copyOf(hookNames);
        this.id = id;
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.source = source;
        this.invFreq = config.isGpt2() ? null : Rope.inverseFrequencies(config);
        this.stopTokens = java.util.Set.copyOf(stopTokens);
    }

    /** Token ids that end a generation (end of sequence). */
    public java.util.Set<Long> stopTokens() {
        return stopTokens;
    }

    @Override
    public java.util.Optional<DecoderModel> languageModel() {
        return java.util.Optional.of(this);
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(id, config.family(), config.layers(), config.dModel(), config.heads(), config.dMlp(),
                config.vocabSize(), config.contextLength(), false, source);
    }

    public DecoderConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public java.util.List<String> hookNames() {
        return hookNames;
    }

    /**
     * BOS then the text, no suffix: the BOS the tokenizer adds (Llama, llama2.c), else the configured
     * {@code bos_token_id} (GPT-2's {@code <|endoftext|>}, as TransformerLens prepends it), else nothing.
     */
    @Override
    public SequenceFrame frame() {
        lantern.subject.Encoding probe = tokenizer.encode("a", true);
        int lead = 0;
        while (lead < probe.length() && probe.special()[lead]) lead++;
        if (lead > 0) return new SequenceFrame(java.util.Arrays.copyOf(probe.ids(), lead), new long[0]);
        return new SequenceFrame(bos == null ? new long[0] : new long[]{bos}, new long[0]);
    }

    /** The beginning-of-sequence id, or -1 where the model has none. */
    public long bosId() {
        long[] p = frame().prefix();
        return p.length == 0 ? -1 : p[p.length - 1];
    }

    /**
     * Runs right-padded rows from position 0 (no KV cache). Padding sits after each row's real tokens, so causal
     * attention keeps it from reaching them; read only positions below {@code lengths[i]}.
     */
    @Override
    public HookedRun run(NDManager m, long[][] ids, int[] lengths, HookPass pass) {
        if (lengths.length != ids.length) throw new IllegalArgumentException("one length per row");
        for (int i = 0; i < ids.length; i++) {
            if (lengths[i] < 0 || lengths[i] > ids[i].length) {
                throw new IllegalArgumentException("row " + i + " length " + lengths[i] + " outside 0.." + ids[i].length);
            }
        }
        NDArray out = forward(m, ids, null, pass);
        return new HookedRun(out, pass.snapshot());
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public DecoderWeights weights() {
        return weights;
    }

    public KvCache newCache(NDManager m) {
        return new KvCache(m, config.layers(), config.contextLength());
    }

    /** Checks a layer index against this model, with a message naming the valid range. */
    public int requireLayer(int layer) {
        if (layer < 0 || layer >= config.layers()) {
            throw new InvalidInputException("layer " + layer + " is out of range: model " + id + " has "
                    + config.layers() + " layers (0.." + (config.layers() - 1) + ")");
        }
        return layer;
    }

    /**
     * Runs {@code ids} (batch x tokens, equal lengths) after what {@code cache} holds (null: start fresh) and
     * returns the final normalized residual {@code [batch, tokens, d]} attached to {@code m}.
     */
    public NDArray forward(NDManager m, long[][] ids, KvCache cache, Hooks hooks) {
        return forward(m, ids, cache, hooks.start());
    }

    /** As {@link #forward(NDManager, long[][], KvCache, Hooks)}, keeping what the pass caches in {@code hooks}. */
    public NDArray forward(NDManager m, long[][] ids, KvCache cache, HookPass hooks) {
        HookNames.validate(hooks.request(), hookSet);
        int b = ids.length;
        if (b == 0 || ids[0].length == 0) throw new InvalidInputException("nothing to run: no tokens");
        int t = ids[0].length;
        int p0 = cache == null ? 0 : cache.length();
        if (p0 + t > config.contextLength()) {
            throw new InvalidInputException("sequence of " + (p0 + t) + " tokens exceeds the context length "
                    + config.contextLength() + " of model " + id);
        }
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (ids[i].length != t) throw new IllegalArgumentException("batch rows must have equal lengths");
            for (int j = 0; j < t; j++) {
                long v = ids[i][j];
                if (v < 0 || v >= config.vocabSize()) {
                    throw new InvalidInputException("token id " + v + " is outside the vocabulary of "
                            + config.vocabSize());
                }
                flat[i * t + j] = v;
            }
        }
        int d = config.dModel();
        NDArray x = weights.embed().get(m, new NDIndex("{}", m.create(flat))).reshape(b, t, d);
        x = hook(hooks, m, HookNames.EMBED, x);
        if (config.isGpt2()) {
            x = x.add(weights.posEmbed().get(m, new NDIndex("{}:{}", p0, p0 + t)));
        }
        NDArray mask = t > 1 ? causalMask(m, t, p0) : null;
        NDArray[] rope = config.isGpt2() ? null : Rope.cosSin(m, invFreq, config.headDim(), p0, t);
        for (int l = 0; l < config.layers(); l++) {
            // Each block's temporaries live in their own manager, so long prompts do not pile up every layer's
            // attention scores; what flows on (and what the hooks cached) is moved back to m.
            try (NDManager lm = m.newSubManager()) {
                x.tempAttach(lm);
                try {
                    NDArray out = block(l, x, mask, rope, cache, hooks, lm);
                    out.attach(m);
                    x = out;
                } finally {
                    // also when a hook stopped the pass early (it threw): what was cached belongs to the caller
                    for (NDArray cached : hooks.cached().values()) {
                        if (cached.getManager() == lm) cached.attach(m);
                    }
                }
            }
        }
        if (cache != null) cache.advance(t);
        NDArray normalized = norm(x, weights.normFinal(), weights.normFinalBias());
        return hook(hooks, m, HookNames.LN_FINAL, normalized);
    }

    private NDArray block(int l, NDArray x, NDArray mask, NDArray[] rope, KvCache cache, HookPass hooks,
                          NDManager lm) {
        LayerWeights w = weights.layers().get(l);
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int h = config.heads();
        int kvh = config.kvHeads();
        int hd = config.headDim();
        int qw = config.qWidth();
        int kw = config.kvWidth();

        x = hook(hooks, lm, HookNames.residPre(l), x);
        NDArray qkv = addBias(norm(hooks, lm, HookNames.ln1Normalized(l), x, w.norm1(), w.norm1Bias())
                .matMul(w.qkv()), w.qkvBias());
        NDArray q = qkv.get(new NDIndex(":, :, 0:{}", qw)).reshape(b, t, h, hd).transpose(0, 2, 1, 3);
        NDArray k = qkv.get(new NDIndex(":, :, {}:{}", qw, qw + kw)).reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(new NDIndex(":, :, {}:", qw + kw)).reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
        if (rope != null) {
            q = Rope.apply(q, rope[0], rope[1]);
            k = Rope.apply(k, rope[0], rope[1]);
        }
        if (cache != null) {
            NDArray[] kv = cache.append(l, k, v);
            k = kv[0];
            v = kv[1];
        }
        if (kvh < h) { // grouped-query attention: query head i reads kv head i / (h / kvh)
            k = repeatKv(k, h / kvh);
            v = repeatKv(v, h / kvh);
        }
        NDArray scores = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(hd));
        if (mask != null) scores = scores.add(mask);
        NDArray pattern = hook(hooks, lm, HookNames.attnPattern(l), scores.softmax(-1));
        NDArray z = hook(hooks, lm, HookNames.attnZ(l), pattern.matMul(v).transpose(0, 2, 1, 3))
                .reshape(b, t, (long) h * hd);
        NDArray attnOut = hook(hooks, lm, HookNames.attnOut(l), addBias(z.matMul(w.out()), w.outBias()));
        x = hook(hooks, lm, HookNames.residMid(l), x.add(attnOut));

        NDArray h2 = hook(hooks, lm, HookNames.mlpIn(l),
                norm(hooks, lm, HookNames.ln2Normalized(l), x, w.norm2(), w.norm2Bias()));
        NDArray post;
        if (config.activation() == DecoderConfig.Activation.SWIGLU) {
            NDArray gateUp = h2.matMul(w.mlpIn());
            int f = config.dMlp();
            NDArray gate = hook(hooks, lm, HookNames.mlpPre(l), gateUp.get(new NDIndex(":, :, 0:{}", f)));
            NDArray up = gateUp.get(new NDIndex(":, :, {}:", f));
            post = MlpNonlinearity.swiglu(gate, up);
        } else {
            NDArray pre = hook(hooks, lm, HookNames.mlpPre(l), addBias(h2.matMul(w.mlpIn()), w.mlpInBias()));
            post = switch (config.activation()) {
                case GELU_TANH -> MlpNonlinearity.geluTanh(pre);
                case GELU_ERF -> Activation.gelu(pre);
                case RELU -> Activation.relu(pre);
                default -> throw new IllegalStateException();
            };
        }
        post = hook(hooks, lm, HookNames.mlpPost(l), post);
        NDArray mlpOut = hook(hooks, lm, HookNames.mlpOut(l), addBias(post.matMul(w.mlpOut()), w.mlpOutBias()));
        return hook(hooks, lm, HookNames.residPost(l), x.add(mlpOut));
    }

    /**
     * Runs a hook point. When a replacement returned an array of another manager, the forward pass goes on with a
     * copy in {@code here}: otherwise every later op would land in that manager.
     */
    private static NDArray hook(HookPass hooks, NDManager here, String name, NDArray x) {
        if (!hooks.wants(name)) return x;
        NDArray y = hooks.apply(name, x);
        if (y.getManager() == here) return y;
        NDArray copy = y.duplicate();
        copy.attach(here);
        return copy;
    }

    /** Logits {@code [..., vocab]} from a final-normalized residual. */
    public NDArray logits(NDArray normalized) {
        return normalized.matMul(weights.unembed());
    }

    /** The final norm (LayerNorm or RMSNorm) applied to any residual, as the logit lens needs. */
    public NDArray finalNorm(NDArray resid) {
        return norm(resid, weights.normFinal(), weights.normFinalBias());
    }

    /** Logits of the last position of a single sequence (run after whatever {@code cache} holds). */
    public float[] nextTokenLogits(NDManager parent, long[] ids, KvCache cache, Hooks hooks) {
        try (NDManager m = parent.newSubManager()) {
            NDArray normalized = forward(m, new long[][]{ids}, cache, hooks);
            long t = normalized.getShape().get(1);
            return logits(normalized.get(new NDIndex("0, {}", t - 1))).toFloatArray();
        }
    }

    /**
     * A block's norm with its {@code ln*.hook_normalized} point between the normalization and the gain (and bias);
     * the fused norm when no hook watches it.
     */
    private NDArray norm(HookPass hooks, NDManager lm, String hook, NDArray x, NDArray weight, NDArray bias) {
        if (!hooks.wants(hook)) return norm(x, weight, bias);
        NDArray normalized;
        if (config.isGpt2()) {
            NDArray centred = x.sub(x.mean(new int[]{-1}, true));
            normalized = centred.mul(Scalars.pow(centred.square().mean(new int[]{-1}, true).add(config.normEps()),
                    -0.5f));
        } else {
            normalized = x.mul(Scalars.pow(x.square().mean(new int[]{-1}, true).add(config.normEps()), -0.5f));
        }
        return addBias(hook(hooks, lm, hook, normalized).mul(weight), bias);
    }

    private NDArray norm(NDArray x, NDArray weight, NDArray bias) {
        if (config.isGpt2()) {
            return LayerNorm.layerNorm(x, new Shape(config.dModel()), weight, bias, config.normEps())
                    .singletonOrThrow();
        }
        NDArray ms = x.square().mean(new int[]{-1}, true);
        return x.mul(Scalars.pow(ms.add(config.normEps()), -0.5f)).mul(weight);
    }

    private static NDArray addBias(NDArray x, NDArray bias) {
        return bias == null ? x : x.add(bias);
    }

    private static NDArray repeatKv(NDArray kv, int groups) {
        Shape s = kv.getShape();
        return kv.reshape(s.get(0), s.get(1), 1, s.get(2), s.get(3))
                .broadcast(s.get(0), s.get(1), groups, s.get(2), s.get(3))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /** [t, p0 + t]: query i (at position p0 + i) sees keys 0..p0 + i. */
    private static NDArray causalMask(NDManager m, int t, int p0) {
        int s = p0 + t;
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = p0 + i + 1; j < s; j++) mask[i * s + j] = Float.NEGATIVE_INFINITY;
        }
        return m.create(mask, new Shape(t, s));
    }

    @Override
    public void close() {
        manager.close();
        if (tokenizer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the native tokenizer has nothing useful to say on close
            }
        }
    }
}
