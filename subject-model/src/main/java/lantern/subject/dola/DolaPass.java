package lantern.subject.dola;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.KvCache;

import java.util.ArrayList;
import java.util.List;

/**
 * One DoLa pass: the model runs once, caching {@code blocks.L.hook_resid_pre} of each candidate layer L
 * (transformers' {@code hidden_states[L]}); the premature logits are the LM head on that raw residual at the last
 * position, without the final norm (transformers calls {@code lm_head(hidden_states[L])}); the mature logits are
 * the model's own. {@link DolaContrast} picks the premature layer and returns the contrasted scores. Each step's
 * choice is recorded.
 */
public final class DolaPass implements Generator.Pass {
    private final DecoderModel model;
    private final int[] candidates;
    private final List<DolaContrast.Step> steps = new ArrayList<>();

    public DolaPass(DecoderModel model, int[] candidates) {
        this.model = model;
        this.candidates = candidates.clone();
        for (int c : candidates) model.requireLayer(c);
    }

    @Override
    public float[] next(NDManager parent, long[] ids, KvCache cache, Hooks hooks) {
        DolaContrast.Step step = step(parent, ids, cache, hooks);
        steps.add(step);
        return step.logits();
    }

    /** The contrast at the last of {@code ids} (after what {@code cache} holds; null: none). */
    public DolaContrast.Step step(NDManager parent, long[] ids, KvCache cache, Hooks hooks) {
        Logits l = logits(parent, ids, cache, hooks);
        return DolaContrast.contrast(candidates, l.premature(), l.mature());
    }

    /** Mature and premature logits at the last position of one pass. */
    public record Logits(float[] mature, float[][] premature) {
    }

    public Logits logits(NDManager parent, long[] ids, KvCache cache, Hooks hooks) {
        for (int c : candidates) hooks.cache(HookNames.residPre(c));
        try (NDManager m = parent.newSubManager()) {
            HookPass pass = hooks.start();
            NDArray normalized = model.forward(m, new long[][]{ids}, cache, pass);
            long last = normalized.getShape().get(1) - 1;
            float[] mature = model.logits(normalized.get(new NDIndex("0, {}", last))).toFloatArray();
            NDList rows = new NDList();
            for (int c : candidates) rows.add(pass.get(HookNames.residPre(c)).get(new NDIndex("0, {}", last)));
            NDArray premature = model.logits(NDArrays.stack(rows, 0)); // [candidates, vocab], no final norm
            int v = (int) premature.getShape().get(1);
            float[] flat = premature.toFloatArray();
            float[][] out = new float[candidates.length][];
            for (int i = 0; i < out.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
            return new Logits(mature, out);
        }
    }

    public int[] candidates() {
        return candidates.clone();
    }

    /** The steps so far, one per pass (the last pass of a generation may produce no token). */
    public List<DolaContrast.Step> steps() {
        return List.copyOf(steps);
    }
}
