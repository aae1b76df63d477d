package lantern.subject.lens;

import lantern.api.lens.LayerSweepResult;

import lantern.errors.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.Positions;

import java.util.ArrayList;
import java.util.List;

/**
 * The paper's next-token experiment: for each layer, patch the source state (resid_post at that layer) into the
 * target prompt at the same layer (or, for the grid, every target layer) and check whether the patched first token
 * is the source model's own next-token prediction (precision@1 over the evaluated positions). The logit lens at the
 * same layer is scored the same way, side by side.
 *
 * @see PatchscopePreset#IDENTITY the usual target prompt
 */
public final class LayerSweep {
    private LayerSweep() {
    }

    public static LayerSweepResult run(SubjectModel subject, String prompt, List<Integer> positions, String targetPrompt,
                             int targetPosition, boolean fullGrid) {
        DecoderModel model = Decoders.require(subject, "Patchscopes");
        long[] ids = Generator.promptIds(model, prompt);
        List<Integer> pos = new ArrayList<>();
        for (int p : positions) pos.add(Positions.resolve(p, ids.length, "source"));
        if (pos.isEmpty()) throw new InvalidInputException("no source positions to evaluate");
        long[] tgt = Generator.promptIds(model, targetPrompt);
        int tPos = Positions.resolve(targetPosition, tgt.length, "target");
        int layers = model.config().layers();
        float[][][] states = new float[layers][][]; // [layer][position index][d]
        long[] predicted = new long[pos.size()];
        double[] lensHits = new double[layers];
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Hooks hooks = Hooks.none();
            for (int l = 0; l < layers; l++) hooks.cache(HookNames.residPost(l));
            HookPass pass = hooks.start();
            NDArray logits = model.logits(model.forward(m, new long[][]{ids}, null, pass));
            for (int i = 0; i < pos.size(); i++) {
                predicted[i] = Sampling0.argmax(logits.get(new NDIndex("0, {}", pos.get(i))).toFloatArray());
            }
            for (int l = 0; l < layers; l++) {
                states[l] = new float[pos.size()][];
                NDArray resid = pass.get(HookNames.residPost(l));
                for (int i = 0; i < pos.size(); i++) {
                    NDArray r = resid.get(new NDIndex("0, {}", pos.get(i)));
                    states[l][i] = r.toFloatArray();
                    long lensTop = Sampling0.argmax(model.logits(model.finalNorm(r)).toFloatArray());
                    if (lensTop == predicted[i]) lensHits[l]++;
                }
            }
        }
        List<LayerSweepResult.Row> rows = new ArrayList<>();
        double[][] grid = fullGrid ? new double[layers][layers] : null;
        try (NDManager run = NDManager.newBaseManager("PyTorch")) {
            for (int src = 0; src < layers; src++) {
                double same = 0;
                for (int dst = 0; dst < layers; dst++) {
                    if (!fullGrid && dst != src) continue;
                    double hits = 0;
                    for (int i = 0; i < pos.size(); i++) {
                        Hooks patch = Hooks.none().replace(HookNames.residPost(dst),
                                Patchscope.writeAt(tPos, states[src][i]));
                        float[] first = model.nextTokenLogits(run, tgt, null, patch);
                        if (Sampling0.argmax(first) == predicted[i]) hits++;
                    }
                    double precision = hits / pos.size();
                    if (grid != null) grid[src][dst] = precision;
                    if (dst == src) same = precision;
                }
                rows.add(new LayerSweepResult.Row(src, same, lensHits[src] / pos.size()));
            }
        }
        return new LayerSweepResult(model.info().id(), LogitLens.tokenStrings(model, ids), pos, targetPrompt, tPos, rows, grid);
    }

    /** argmax without reaching into the decoder package's package-private sampler. */
    private static final class Sampling0 {
        static long argmax(float[] v) {
            int best = 0;
            for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
            return best;
        }
    }
}
