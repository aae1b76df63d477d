package lantern.subject.lens;

import lantern.api.lens.PatchscopeResult;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookFunction;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.Positions;
import lantern.api.generate.Sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Patchscopes (Ghandeharioun et al., 2024): decode a hidden representation by patching it into another prompt
 * and letting the model say what it holds.
 */
public final class Patchscope {
    private Patchscope() {
    }

    public static PatchscopeResult run(SubjectModel sourceModel, SubjectModel targetModel, PatchscopeRequest r) {
        DecoderModel source = Decoders.require(sourceModel, "Patchscopes");
        DecoderModel target = Decoders.require(targetModel, "Patchscopes");
        source.requireLayer(r.sourceLayer());
        target.requireLayer(r.targetLayer());
        long[] srcIds = Generator.promptIds(source, r.sourcePrompt());
        int srcPos = Positions.resolve(r.sourcePosition(), srcIds.length, "source");
        long[] tgtIds = Generator.promptIds(target, r.targetPrompt());
        int tgtPos = Positions.resolve(r.targetPosition(), tgtIds.length, "target");
        float[] state = r.mapping().apply(residPost(source, srcIds, r.sourceLayer(), srcPos),
                target.config().dModel());
        Hooks patch = Hooks.none().replace(HookNames.residPost(r.targetLayer()), writeAt(tgtPos, state));
        Sampling s = new Sampling(r.maxTokens(), r.temperature(), 1f, r.seed());
        Generation g = r.patchEveryStep()
                ? Generator.recomputing(target, tgtIds, s, patch)
                : Generator.withCache(target, tgtIds, s, patch);
        List<String> tokens = new ArrayList<>();
        for (long id : g.generatedIds()) tokens.add(target.tokenizer().token(id));
        return new PatchscopeResult(g.text(), tokens, source.tokenizer().token(srcIds[srcPos]),
                LogitLens.top(target, LogitLens.softmax(g.firstLogits()), 5));
    }

    /** resid_post at (layer, position) of one prompt. */
    public static float[] residPost(DecoderModel model, long[] ids, int layer, int position) {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Hooks hooks = Hooks.none().cache(HookNames.residPost(layer));
            HookPass pass = hooks.start();
            model.forward(m, new long[][]{ids}, null, pass);
            return pass.get(HookNames.residPost(layer)).get(new NDIndex("0, {}", position)).toFloatArray();
        }
    }

    /** A hook that overwrites one position's vector (positions counted within the pass the hook sees). */
    public static HookFunction writeAt(int position, float[] state) {
        return x -> {
            if (position >= x.getShape().get(1)) return x; // a later cached step: the patched position is past
            NDArray y = x.duplicate();
            y.set(new NDIndex(":, {}, :", position), x.getManager().create(state, new Shape(1, state.length)));
            return y;
        };
    }
}
