package lantern.subject.knowledge;

import lantern.api.knowledge.KnowledgeRequest;
import lantern.api.knowledge.KnowledgeResult;

import lantern.errors.InvalidInputException;
import lantern.subject.Encoding;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Generator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Knowledge neurons (Dai et al. 2022, "Knowledge Neurons in Pretrained Transformers"), with the refinement rules of
 * EleutherAI's {@code knowledge-neurons}: for each prompt, every layer's MLP neurons at the last position get
 * integrated-gradients attributions for the target's probability ({@link IntegratedGradients}); the neurons above
 * {@code threshold × the prompt's max attribution} are that prompt's coarse neurons; those kept for more than
 * {@code share × prompts} prompts are the knowledge neurons. Suppressing (×0) and amplifying (×2) them at the last
 * position is compared with doing the same to as many random neurons of the same layers. The one use case behind
 * {@code lantern knowledge-neurons} and {@code POST /api/knowledge-neurons}.
 */
public final class KnowledgeNeurons {
    private KnowledgeNeurons() {
    }

    /**
     * The target's id: the target text encoded on its own, without special tokens, must be exactly one token (with
     * byte-level BPE write its leading space, " York").
     */
    public static int targetId(DecoderModel model, String target) {
        Encoding e = model.tokenizer().encode(target, false);
        long[] ids = e.ids();
        if (ids.length != 1) {
            List<String> pieces = new ArrayList<>();
            for (long id : ids) pieces.add(model.tokenizer().token(id));
            throw new InvalidInputException("target '" + target + "' is " + ids.length + " tokens " + pieces
                    + " for " + model.info().id() + " (encoded alone, without special tokens): give a single token"
                    + " (byte-level BPE tokens usually start with a space, e.g. \" York\")");
        }
        return (int) ids[0];
    }

    public static KnowledgeResult find(SubjectModel subject, KnowledgeRequest r, Consumer<String> progress) {
        DecoderModel model = subject.languageModel().orElseThrow(() -> new InvalidInputException("model "
                + subject.info().id() + " is an encoder: knowledge neurons need an LM head"));
        int target = targetId(model, r.target());
        int layers = model.config().layers();
        int f = model.config().dMlp();
        List<long[]> ids = new ArrayList<>();
        for (String p : r.prompts()) ids.add(Generator.promptIds(model, p));

        double[][] sum = new double[layers][f];
        Map<Long, Integer> counts = new LinkedHashMap<>();
        List<KnowledgeResult.Prompt> prompts = new ArrayList<>();
        for (int pi = 0; pi < ids.size(); pi++) {
            long[] prompt = ids.get(pi);
            float[][] act = IntegratedGradients.lastActivations(model, prompt);
            float[][] attr = new float[layers][];
            double max = Double.NEGATIVE_INFINITY;
            double[] layerSums = new double[layers];
            for (int l = 0; l < layers; l++) {
                if (progress != null) progress.accept("prompt " + (pi + 1) + "/" + ids.size() + ", layer " + l);
                attr[l] = IntegratedGradients.layer(model, prompt, target, r.steps(), l, act[l]);
                for (int i = 0; i < f; i++) {
                    max = Math.max(max, attr[l][i]);
                    sum[l][i] += attr[l][i];
                    layerSums[l] += attr[l][i];
                }
            }
            int coarse = 0;
            double cut = r.threshold() * max;
            if (max > 0) {
                for (int l = 0; l < layers; l++) {
                    for (int i = 0; i < f; i++) {
                        if (attr[l][i] > cut) {
                            counts.merge(key(l, i), 1, Integer::sum);
                            coarse++;
                        }
                    }
                }
            }
            prompts.add(new KnowledgeResult.Prompt(r.prompts().get(pi),
                    IntegratedGradients.probability(model, prompt, target, null, 1), max, coarse, layerSums));
        }
        double needed = r.share() * ids.size();
        List<KnowledgeResult.Neuron> neurons = new ArrayList<>();
        for (var e : counts.entrySet()) {
            if (e.getValue() <= needed) continue;
            int l = (int) (e.getKey() >> 32);
            int i = (int) (long) e.getKey();
            neurons.add(neuron(model, l, i, sum[l][i] / ids.size(), e.getValue()));
        }
        neurons.sort(Comparator.comparingDouble(KnowledgeResult.Neuron::attribution).reversed());

        List<KnowledgeResult.Neuron> random = randomControl(model, neurons, counts, sum, ids.size(), r.seed());
        if (progress != null) progress.accept("interventions");
        return new KnowledgeResult(model.info().id(), r.target(), target, r.steps(), r.threshold(), r.share(),
                prompts, neurons, effect(model, ids, target, neurons), effect(model, ids, target, random), random);
    }

    private static KnowledgeResult.Neuron neuron(DecoderModel model, int l, int i, double attribution, int shared) {
        return new KnowledgeResult.Neuron(l, i, model.info().id() + "/" + l + "/mlp/" + i, attribution, shared);
    }

    /** One random neuron of the same layer per knowledge neuron, none of them a knowledge neuron. */
    private static List<KnowledgeResult.Neuron> randomControl(DecoderModel model, List<KnowledgeResult.Neuron> kn,
                                                              Map<Long, Integer> counts, double[][] sum, int n,
                                                              long seed) {
        Random rnd = new Random(seed);
        int f = model.config().dMlp();
        java.util.Set<Long> taken = new java.util.HashSet<>();
        for (var k : kn) taken.add(key(k.layer(), k.index()));
        List<KnowledgeResult.Neuron> out = new ArrayList<>();
        for (var k : kn) {
            if (taken.size() >= (long) model.config().layers() * f) break;
            int i;
            int tries = 0;
            do {
                i = rnd.nextInt(f);
            } while (taken.contains(key(k.layer(), i)) && ++tries < 10 * f);
            if (taken.contains(key(k.layer(), i))) continue; // the layer is all knowledge neurons
            taken.add(key(k.layer(), i));
            out.add(neuron(model, k.layer(), i, sum[k.layer()][i] / n, counts.getOrDefault(key(k.layer(), i), 0)));
        }
        return out;
    }

    private static KnowledgeResult.Effect effect(DecoderModel model, List<long[]> ids, int target,
                                                 List<KnowledgeResult.Neuron> neurons) {
        int layers = model.config().layers();
        List<List<Integer>> byLayer = new ArrayList<>();
        for (int l = 0; l < layers; l++) byLayer.add(new ArrayList<>());
        for (var n : neurons) byLayer.get(n.layer()).add(n.index());
        int[][] sel = new int[layers][];
        for (int l = 0; l < layers; l++) sel[l] = byLayer.get(l).stream().mapToInt(Integer::intValue).toArray();
        double[][] per = new double[ids.size()][3];
        double[] mean = new double[3];
        for (int p = 0; p < ids.size(); p++) {
            per[p][0] = IntegratedGradients.probability(model, ids.get(p), target, null, 1);
            per[p][1] = neurons.isEmpty() ? per[p][0] : IntegratedGradients.probability(model, ids.get(p), target, sel, 0);
            per[p][2] = neurons.isEmpty() ? per[p][0] : IntegratedGradients.probability(model, ids.get(p), target, sel, 2);
            for (int j = 0; j < 3; j++) mean[j] += per[p][j] / ids.size();
        }
        return new KnowledgeResult.Effect(neurons.size(), mean[0], mean[1], mean[2], per);
    }

    private static long key(int layer, int index) {
        return ((long) layer << 32) | (index & 0xffffffffL);
    }
}
