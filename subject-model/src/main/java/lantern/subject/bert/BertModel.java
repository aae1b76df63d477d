package lantern.subject.bert;

import lantern.errors.InvalidInputException;

import lantern.subject.MklDispatch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.ModelInfo;
import lantern.subject.EncoderModel;
import lantern.subject.TextTokenizer;
import lantern.subject.onnx.OnnxGraph;
import lantern.subject.tokenize.HfTextTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A post-LayerNorm BERT encoder (all-MiniLM-L6-v2 by default, bge-small-zh-v1.5; see {@link EmbeddedEncoder}), forward pass written out on DJL NDArrays so every
 * activation passes a named hook.
 *
 * <p>Hook points, in order: {@code hook_embed} (word-piece embeddings before positions are added),
 * {@code blocks.l.hook_resid_pre} (the block's input: for block 0 the embedding LayerNorm output),
 * {@code attn.hook_pattern} [B,H,T,T], {@code attn.hook_z} [B,T,H,d_head], {@code hook_attn_out},
 * {@code hook_resid_mid} = LN(resid_pre + attn_out), {@code mlp.hook_in} (= resid_mid, what the MLP reads; replacing it
 * leaves the residual alone), {@code mlp.hook_pre}, {@code mlp.hook_post} (the neurons, exact erf GELU), {@code hook_mlp_out},
 * {@code hook_resid_post} = LN(resid_mid + mlp_out). BERT has no final norm of its own: {@code ln_final.hook_normalized}
 * is the last block's output.
 */
public final class BertModel implements EncoderModel {
    @Override
    public java.util.Optional<EncoderModel> sentenceEmbedder() {
        return java.util.Optional.of(this);
    }

    static {
        MklDispatch.ensure();  // before libtorch loads: MKL may then use AVX-512 on AMD
    }

    public static final String MINILM_ID = EncoderModel.MINILM_ID;
    private static final float LN_EPS = 1e-12f;

    private final ModelInfo info;
    private final EmbeddedEncoder spec;
    private final NDManager manager;
    private final BertWeights weights;
    private final HfTextTokenizer tokenizer;
    private final int heads;
    private final int headDim;
    private final List<PackedLayer> layers;
    private final List<String> hookNames;
    private final java.util.Set<String> hookSet;

    private BertModel(ModelInfo info, EmbeddedEncoder spec, NDManager manager, BertWeights weights, HfTextTokenizer tokenizer) {
        this.info = info;
        this.spec = spec;
        this.manager = manager;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.heads = info.heads();
        this.headDim = info.dModel() / info.heads();
        this.layers = weights.layers().stream().map(w -> PackedLayer.of(w, headDim)).toList();
        this.hookNames = HookNames.all(info.layers());
        this.hookSet = java.util.Set.copyOf(hookNames);
    }

    /** all-MiniLM-L6-v2 from the ONNX file inside the MiniLM Maven artifact on the class path. */
    public static BertModel loadMiniLm() {
        return load(EmbeddedEncoder.MINILM_L6);
    }

    /**
     * An encoder from the ONNX export inside its Maven artifact on the class path. Layer count, widths, vocabulary
     * and context length are read from the weights.
     */
    public static BertModel load(EmbeddedEncoder spec) {
        try (InputStream onnx = resource(spec.onnx()); InputStream tok = resource(spec.tokenizer())) {
            OnnxGraph graph = OnnxGraph.parse(onnx.readAllBytes());
            int layers = BertWeights.layerCount(graph);
            NDManager manager = NDManager.newBaseManager("PyTorch");
            BertWeights w = BertWeights.fromOnnx(graph, manager, layers);
            long[] embShape = w.wordEmbeddings().getShape().getShape();
            int d = (int) embShape[1];
            if (d % spec.heads() != 0) throw new IllegalStateException(spec.id() + ": d_model " + d + " is not a multiple of " + spec.heads() + " heads");
            ModelInfo info = new ModelInfo(spec.id(), "bert", layers, d, spec.heads(), (int) w.layers().get(0).w1().getShape().get(1),
                    (int) embShape[0], (int) w.positionEmbeddings().getShape().get(0), true, spec.source());
            if (!info.equals(spec.describe())) {
                manager.close();
                throw new IllegalStateException(spec.id() + ": the weights hold " + info + ", the registry declares " + spec.describe());
            }
            return new BertModel(info, spec, manager, w, HfTextTokenizer.fromStream(tok));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + spec.id() + " weights", e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = BertModel.class.getResourceAsStream(name);
        if (in == null) throw new IOException(name + " not on the class path (its langchain4j-embeddings artifact)");
        return in;
    }

    @Override
    public float[] mlpOutputRow(int layer, int neuron) {
        if (layer < 0 || layer >= info.layers()) {
            throw new lantern.errors.InvalidInputException("layer " + layer + " out of range: " + info.id() + " has layers 0.."
                    + (info.layers() - 1));
        }
        NDArray w2 = weights.layers().get(layer).w2();  // [d_mlp, d_model]: mlp_out = post · W_out
        if (neuron < 0 || neuron >= w2.getShape().get(0)) {
            throw new lantern.errors.InvalidInputException("neuron " + neuron + " out of range: layers have neurons 0.."
                    + (w2.getShape().get(0) - 1));
        }
        return w2.get(neuron).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    /** What this encoder is: its id, pooling and language. */
    public EmbeddedEncoder spec() {
        return spec;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The manager holding the weights; callers make sub-managers of it for their runs. */
    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public List<String> hookNames() {
        return hookNames;
    }

    /** [CLS] text [SEP]. */
    @Override
    public SequenceFrame frame() {
        Encoding probe = tokenizer.encode("a", true);
        int lead = 0;
        while (lead < probe.length() && probe.special()[lead]) lead++;
        int trail = 0;
        while (trail < probe.length() - lead && probe.special()[probe.length() - 1 - trail]) trail++;
        return new SequenceFrame(java.util.Arrays.copyOfRange(probe.ids(), 0, lead),
                java.util.Arrays.copyOfRange(probe.ids(), probe.length() - trail, probe.length()));
    }

    @Override
    public HookedRun run(NDManager m, long[][] ids, int[] lengths, HookPass pass) {
        NDArray out = forward(m, ids, lengths, pass);
        return new HookedRun(out, pass.snapshot());
    }

    /**
     * Runs the encoder. {@code ids} are right-padded (any id) to a common length; {@code lengths} give the real
     * token counts. Returns the last hidden state [B,T,d] attached to {@code m}; cached hooks are attached to
     * {@code m} too (the {@link HookedModel} memory policy).
     */
    public NDArray forward(NDManager m, long[][] ids, int[] lengths, Hooks hooks) {
        return forward(m, ids, lengths, hooks.start());
    }

    /** As {@link #forward(NDManager, long[][], int[], Hooks)}, keeping what the pass caches in {@code hooks}. */
    public NDArray forward(NDManager m, long[][] ids, int[] lengths, HookPass hooks) {
        HookNames.validate(hooks.request(), hookSet);
        int b = ids.length;
        int t = ids[0].length;
        if (t > info.contextLength()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds the context of " + info.contextLength());
        }
        try (NDManager sub = m.newSubManager()) {
            long[] flat = new long[b * t];
            float[] maskFlat = new float[b * t];
            for (int i = 0; i < b; i++) {
                if (ids[i].length != t) throw new IllegalArgumentException("ragged batch: pad every row to " + t);
                System.arraycopy(ids[i], 0, flat, i * t, t);
                for (int j = 0; j < lengths[i]; j++) maskFlat[i * t + j] = 1f;
            }
            NDArray idArray = sub.create(flat, new Shape(b, t));
            // Additive attention mask [B,1,1,T]: padded keys get a large negative score.
            NDArray mask = sub.create(maskFlat, new Shape(b, 1, 1, t)).sub(1f).mul(1e9f);

            NDArray x = weights.wordEmbeddings().get(new NDIndex("{}", idArray));
            x.attach(sub);
            x = hooks.apply(HookNames.EMBED, x);
            NDArray pos = weights.positionEmbeddings().get(new NDIndex(":{}", t));
            pos.attach(sub);
            NDArray type0 = weights.tokenTypeEmbeddings().get(0);
            type0.attach(sub);
            x = x.add(pos).add(type0);
            x = layerNorm(x, weights.embedLnWeight(), weights.embedLnBias()).reshape(b * t, info.dModel());

            try {
                for (int l = 0; l < layers.size(); l++) {
                    x = block(l, layers.get(l), x, mask, b, t, hooks);
                }
                x = hooks.apply(HookNames.LN_FINAL, x.reshape(b, t, info.dModel()));
                x.attach(m);
                return x;
            } finally {
                // also when a hook stopped the pass early (it threw): what was cached belongs to the caller
                for (NDArray cached : hooks.cached().values()) {
                    if (cached.getManager() == sub) cached.attach(m);
                }
            }
        }
    }

    /**
     * One block on token rows {@code x} [B*T, d]: plain 2-D GEMMs with the bias (and, where no hook watches the
     * branch, the residual) added in place; Q, K and V come from one stacked [d, 3d] weight. Hook points see the
     * usual [B, T, ·] shapes (reshapes of contiguous rows are views).
     */
    private NDArray block(int l, PackedLayer w, NDArray x, NDArray mask, int b, int t, HookPass hooks) {
        int d = info.dModel();
        x = hook(hooks, HookNames.residPre(l), x, b, t);
        // [B*T, 3d] -> [3, B, H, T, hd]; the 1/sqrt(hd) score scale is already folded into the Q columns.
        NDArray qkv = x.matMul(w.qkvWeight()).addi(w.qkvBias()).reshape(b, t, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
        NDArray scores = qkv.get(0).matMul(qkv.get(1).transpose(0, 1, 3, 2)).addi(mask);
        NDArray pattern = hooks.apply(HookNames.attnPattern(l), scores.softmax(-1));
        NDArray z = pattern.matMul(qkv.get(2)).transpose(0, 2, 1, 3);
        NDArray context = (hooks.wants(HookNames.attnZ(l)) ? hooks.apply(HookNames.attnZ(l), z) : z).reshape(b * t, d);
        NDArray attnOut = hook(hooks, HookNames.attnOut(l), context.matMul(w.wo()).addi(w.bo()), b, t);
        NDArray mid = hook(hooks, HookNames.residMid(l),
                layerNorm(residual(hooks, HookNames.attnOut(l), attnOut, x), w.ln1Weight(), w.ln1Bias()), b, t);
        NDArray pre = hook(hooks, HookNames.mlpPre(l),
                hook(hooks, HookNames.mlpIn(l), mid, b, t).matMul(w.w1()).addi(w.b1()), b, t);
        NDArray post = hook(hooks, HookNames.mlpPost(l), Activation.gelu(pre), b, t);
        NDArray mlpOut = hook(hooks, HookNames.mlpOut(l), post.matMul(w.w2()).addi(w.b2()), b, t);
        return hook(hooks, HookNames.residPost(l),
                layerNorm(residual(hooks, HookNames.mlpOut(l), mlpOut, mid), w.ln2Weight(), w.ln2Bias()), b, t);
    }

    /** branch + stream; in place unless a hook holds the branch (a cached array must keep what flowed there). */
    private static NDArray residual(HookPass hooks, String branchHook, NDArray branch, NDArray stream) {
        return hooks.wants(branchHook) ? branch.add(stream) : branch.addi(stream);
    }

    /** Passes token rows [B*T, n] through a hook point as [B, T, n] (a view), and back. */
    private static NDArray hook(HookPass hooks, String name, NDArray rows, int b, int t) {
        if (!hooks.wants(name)) return rows;
        NDArray out = hooks.apply(name, rows.reshape(b, t, -1));
        return out.reshape(b * t, -1);
    }

    private NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return LayerNorm.layerNorm(x, new Shape(info.dModel()), gamma, beta, LN_EPS).singletonOrThrow();
    }

    /**
     * A block's weights as the forward pass uses them: Q, K and V stacked into one [d, 3d] matrix (one GEMM instead of
     * three) with the attention score scale 1/sqrt(hd) folded into the Q columns and bias.
     */
    private record PackedLayer(NDArray qkvWeight, NDArray qkvBias, NDArray wo, NDArray bo, NDArray ln1Weight,
                               NDArray ln1Bias, NDArray w1, NDArray b1, NDArray w2, NDArray b2, NDArray ln2Weight,
                               NDArray ln2Bias) {
        static PackedLayer of(BertWeights.Layer w, int headDim) {
            float scale = (float) (1 / Math.sqrt(headDim));
            NDArray qkvW = NDArrays.concat(new NDList(w.wq().mul(scale), w.wk(), w.wv()), 1);
            NDArray qkvB = NDArrays.concat(new NDList(w.bq().mul(scale), w.bk(), w.bv()), 0);
            return new PackedLayer(qkvW, qkvB, w.wo(), w.bo(), w.ln1Weight(), w.ln1Bias(), w.w1(), w.b1(), w.w2(), w.b2(),
                    w.ln2Weight(), w.ln2Bias());
        }
    }

    /** Token ids of a text with [CLS]/[SEP], checked against the context length. */
    @Override
    public Encoding encode(String text) {
        Encoding e = tokenizer.encode(text, true);
        if (e.length() > info.contextLength()) {
            throw new InvalidInputException("text has " + e.length() + " tokens; " + info.id() + " reads at most "
                    + info.contextLength());
        }
        return e;
    }

    @Override
    public int dimension() {
        return info.dModel();
    }

    /**
     * The sentence embedding, L2-normalized: mean-pooled over real tokens (special tokens included, as
     * sentence-transformers does) or the [CLS] token's state (BGE), as the encoder's {@link EmbeddedEncoder#pooling()}.
     */
    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        int batch = 32;
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            out.addAll(embedBatch(part, Hooks.none()));
        }
        return out;
    }

    /** Sentence embeddings of one batch with interventions applied (for causal scores and steering). */
    @Override
    public List<float[]> embedBatch(List<String> texts, Hooks hooks) {
        List<Encoding> encs = texts.stream().map(this::encode).toList();
        int t = encs.stream().mapToInt(Encoding::length).max().orElse(0);
        long[][] ids = new long[encs.size()][t];
        int[] lengths = new int[encs.size()];
        for (int i = 0; i < encs.size(); i++) {
            System.arraycopy(encs.get(i).ids(), 0, ids[i], 0, encs.get(i).length());
            lengths[i] = encs.get(i).length();
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray hidden = forward(m, ids, lengths, hooks);
            float[] maskFlat = new float[ids.length * t];
            for (int i = 0; i < ids.length; i++) for (int j = 0; j < lengths[i]; j++) maskFlat[i * t + j] = 1f;
            NDArray mask = m.create(maskFlat, new Shape(ids.length, t, 1));
            NDArray pooled = spec.pooling() == EmbeddedEncoder.Pooling.CLS ? hidden.get(":, 0, :")
                    : hidden.mul(mask).sum(new int[]{1}).div(mask.sum(new int[]{1}));
            NDArray normed = pooled.div(pooled.norm(new int[]{1}, true).maximum(1e-12f));
            float[] flat = normed.toType(DataType.FLOAT32, false).toFloatArray();
            List<float[]> out = new ArrayList<>(ids.length);
            int d = info.dModel();
            for (int i = 0; i < ids.length; i++) {
                float[] v = new float[d];
                System.arraycopy(flat, i * d, v, 0, d);
                out.add(v);
            }
            return out;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
