package lantern.subject.circuits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.circuits.LocalReplacement.ActiveFeature;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a graph by intervention: chosen feature nodes are scaled (0 zeroes them) in the real model, the
 * transcoders spliced in at their layers with the error term kept (so the MLP output is the real one plus
 * (scale − 1) × activation × decoder row; the activation is the one the transcoder reads in this run, so a node
 * downstream of another changed node is scaled from its new value), and the target logits are read before and after.
 *
 * <p>Predictions from the linear graph, per target logit (logits minus their vocabulary mean, as the graph's logit
 * nodes): {@code direct} = Σ (scale − 1) × edge(node → logit); {@code total} also carries the change along feature
 * paths: a feature's change of pre-activation passes to its activation one to one (active TopK/ReLU features),
 * errors and tokens stay.
 */
public final class GraphIntervention {
    private GraphIntervention() {
    }

    /** One change: the node id ({@code {layer}_{index}_{pos}}) and the factor on its activation. */
    public record Change(String node, double scale) {
    }

    public record LogitChange(long tokenId, String token, double before, double after, double actualDelta,
                              double predictedDirect, double predictedTotal) {
    }

    public record Result(List<Change> changes, List<LogitChange> logits) {
    }

    public static Result run(DecoderModel model, TranscoderSet set, AttributionGraph g, List<Change> changes) {
        if (changes == null || changes.isEmpty()) throw new lantern.errors.InvalidInputException("no node to change: give \"nodes\"");
        Map<String, Integer> byId = new HashMap<>();
        for (int i = 0; i < g.nFeatures(); i++) byId.put(GraphJson.nodeId(g, i), i);
        double[] rel = new double[g.size()];
        Map<Integer, List<int[]>> perLayer = new HashMap<>();   // layer -> (pos, index)
        Map<Integer, List<Double>> scales = new HashMap<>();
        for (Change c : changes) {
            Integer node = byId.get(c.node());
            if (node == null) {
                throw new lantern.errors.InvalidInputException("'" + c.node() + "' is not a feature node of graph (ids are"
                        + " {layer}_{index}_{pos}; error, token and logit nodes cannot be scaled)");
            }
            if (!Double.isFinite(c.scale())) throw new lantern.errors.InvalidInputException("scale must be a finite number");
            ActiveFeature f = g.features().get(node);
            rel[node] += c.scale() - 1;
            perLayer.computeIfAbsent(f.layer(), k -> new ArrayList<>()).add(new int[]{f.pos(), f.index()});
            scales.computeIfAbsent(f.layer(), k -> new ArrayList<>()).add(c.scale());
        }
        double[] direct = new double[g.logitIds().length];
        double[] total = new double[g.logitIds().length];
        predict(g, rel, direct, total);

        float[] before = lastLogits(model, g.ids(), Hooks.none());
        Hooks hooks = Hooks.none();
        int t = g.nPos();
        for (var e : perLayer.entrySet()) {
            int layer = e.getKey();
            Transcoder tc = set.layer(layer);
            List<int[]> nodes = e.getValue();
            List<Double> sc = scales.get(layer);
            NDArray[] input = new NDArray[1];
            hooks.replace(HookNames.mlpIn(layer), a -> {
                input[0] = a;
                return a;
            });
            hooks.replace(HookNames.mlpOut(layer), out -> {
                NDArray acts = tc.encode(input[0]);                 // [1, T, f]
                float[] a = acts.toFloatArray();
                int f = tc.features();
                float[] delta = new float[t * f];
                for (int k = 0; k < nodes.size(); k++) {
                    int p = nodes.get(k)[0], i = nodes.get(k)[1];
                    delta[p * f + i] += (float) ((sc.get(k) - 1) * a[p * f + i]);
                }
                NDArray d = out.getManager().create(delta, new Shape(1, t, f));
                return out.add(d.matMul(decoder(tc, out.getManager())));
            });
        }
        float[] after = lastLogits(model, g.ids(), hooks);
        double meanBefore = mean(before), meanAfter = mean(after);
        List<LogitChange> out = new ArrayList<>();
        for (int k = 0; k < g.logitIds().length; k++) {
            int id = (int) g.logitIds()[k];
            double b = before[id], a = after[id];
            out.add(new LogitChange(id, g.logitTokens().get(k), b, a, (a - meanAfter) - (b - meanBefore), direct[k], total[k]));
        }
        return new Result(changes, out);
    }

    private static NDArray decoder(Transcoder tc, NDManager m) {
        float[] w = tc.weights().wDec();
        return m.create(w, new Shape(tc.features(), tc.dIn()));
    }

    /** Linear predictions of the change of each logit node from relative changes {@code rel} of feature nodes. */
    static void predict(AttributionGraph g, double[] rel, double[] direct, double[] total) {
        int nf = g.nFeatures();
        double[] r = rel.clone();
        for (int j = 0; j < nf; j++) {      // features are in layer order: sources come before their targets
            float[] row = g.adjacency()[j];
            double dPre = 0;
            for (int i = 0; i < nf; i++) if (r[i] != 0 && row[i] != 0) dPre += row[i] * r[i];
            float act = g.features().get(j).activation();
            if (dPre != 0 && act != 0) r[j] += dPre / act;
        }
        for (int k = 0; k < direct.length; k++) {
            float[] row = g.adjacency()[g.logitStart() + k];
            double d = 0, s = 0;
            for (int i = 0; i < nf; i++) {
                d += row[i] * rel[i];
                s += row[i] * r[i];
            }
            direct[k] = d;
            total[k] = s;
        }
    }

    private static float[] lastLogits(DecoderModel model, long[] ids, Hooks hooks) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray out = model.run(m, new long[][]{ids}, new int[]{ids.length}, hooks).output();
            return model.logits(out.get(new NDIndex("0, {}", ids.length - 1))).toFloatArray();
        }
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }
}
