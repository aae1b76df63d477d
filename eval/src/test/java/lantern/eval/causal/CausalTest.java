package lantern.eval.causal;

import lantern.api.causal.InterventionSpec;
import lantern.api.causal.Direction;
import lantern.api.causal.CausalScore;
import lantern.subject.HookPass;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.Interventions;
import lantern.subject.bert.BertModel;
import lantern.subject.sae.SaeStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Directions, interventions and the causal scorer on the real MiniLM. */
class CausalTest {
    static BertModel model;
    static NDManager manager;

    @BeforeAll
    static void load() {
        model = BertModel.loadMiniLm();
        manager = model.manager().newSubManager();
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    static final List<String> FOOD = List.of("She baked fresh bread and a lemon cake.", "The soup was hot and full of vegetables.",
            "We ate pasta with tomato sauce and cheese.", "He fried eggs and bacon for breakfast.",
            "The chef roasted a chicken with garlic.", "They shared a bowl of rice and beans.");
    static final List<String> MONEY = List.of("The bank raised its interest rates again.", "Stock prices fell sharply on Monday.",
            "She deposited the check into her savings account.", "The company reported higher quarterly profits.",
            "Investors sold their bonds before the crash.", "The loan must be repaid within ten years.");

    @Test
    void ablatingADirectionRemovesItsComponentAndKeepsTheRest() {
        try (NDManager m = manager.newSubManager()) {
            Random r = new Random(1);
            float[] d = new float[8];
            float[] x = new float[3 * 8];
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            NDArray in = m.create(x, new Shape(1, 3, 8));
            NDArray out = Interventions.ablateDirection(d).apply(in);
            NDArray dir = m.create(d);
            dir = dir.div(dir.norm());
            assertThat(out.matMul(dir.reshape(-1, 1)).abs().max().getFloat()).isLessThan(1e-5f);
            // what was orthogonal to d is untouched: in - out is parallel to d
            NDArray removed = in.sub(out);
            NDArray coef = in.matMul(dir.reshape(-1, 1));
            assertThat(removed.sub(coef.mul(dir.reshape(1, -1))).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void meanDifferenceIsTheDifferenceOfPooledMeansAndSteersTowardThePositives(@TempDir Path data) {
        String hook = HookNames.residPost(3);
        Direction d = MeanDifference.compute(model, "food", hook, FOOD, MONEY);
        assertThat(d.vector()).hasSize(384);
        assertThat(d.positives()).isEqualTo(6);
        // pooled mean of one text computed by hand without padding
        Encoding e = model.encode(FOOD.get(0));
        try (NDManager m = manager.newSubManager()) {
            Hooks h = Hooks.none().cache(hook);
            HookPass hPass = h.start();
            model.forward(m, new long[][]{e.ids()}, new int[]{e.length()}, hPass);
            float[] byHand = hPass.get(hook).get(0).mean(new int[]{0}).toFloatArray();
            float[] pooled = MeanDifference.meanPooled(model, hook, List.of(FOOD.get(0)));
            for (int i = 0; i < byHand.length; i++) assertThat(pooled[i]).isCloseTo(byHand[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        Direction swapped = MeanDifference.compute(model, "money", hook, MONEY, FOOD);
        for (int i = 0; i < 384; i++) assertThat(swapped.vector()[i]).isCloseTo(-d.vector()[i], org.assertj.core.data.Offset.offset(1e-5f));

        // steering unseen money sentences with the food direction moves their embeddings toward unseen food sentences
        List<String> heldMoney = List.of("The treasury issued new bonds.", "Her salary was paid into the account.");
        List<float[]> foodEmb = model.embedAll(List.of("A warm pie cooled on the kitchen table.", "He ordered noodles and dumplings."));
        DirectionStore store = new DirectionStore(data);
        store.save(d);
        assertThat(store.names()).containsExactly("food");
        Direction back = store.load("food");
        assertThat(back.vector()).containsExactly(d.vector());
        InterventionPlanner planner = new InterventionPlanner(model, new SaeStore(data, manager), store);
        var planned = planner.plan(List.of(InterventionSpec.addDirection(null, "food", 1f)));
        assertThat(planned.get(0).hook()).isEqualTo(hook);
        List<float[]> clean = model.embedBatch(heldMoney, Hooks.none());
        List<float[]> steered = model.embedBatch(heldMoney, planner.hooks(planned));
        for (int i = 0; i < heldMoney.size(); i++) {
            for (float[] f : foodEmb) {
                assertThat(CausalScorer.cosine(steered.get(i), f)).isGreaterThan(CausalScorer.cosine(clean.get(i), f));
            }
        }
    }

    @Test
    void plannerRejectsBadInterventionsClearly(@TempDir Path data) {
        InterventionPlanner planner = new InterventionPlanner(model, new SaeStore(data, manager), new DirectionStore(data));
        assertThatThrownBy(() -> planner.plan(new InterventionSpec("explode", null, null, null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown intervention type");
        assertThatThrownBy(() -> planner.plan(InterventionSpec.ablateNeuron("gpt2/3/mlp/17"))).hasMessageContaining("belongs to model");
        assertThatThrownBy(() -> planner.plan(InterventionSpec.ablateNeuron("minilm-l6/3/mlp/5000"))).hasMessageContaining("out of range");
        assertThatThrownBy(() -> planner.plan(new InterventionSpec("add-direction", HookNames.residPost(2), null, new float[3], 1f, null, null)))
                .hasMessageContaining("3 dimensions");
        assertThatThrownBy(() -> planner.plan(InterventionSpec.addDirection(null, "nope", 1f))).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> planner.plan(InterventionSpec.clampSae("minilm-l6/3/sae-resid_post-k32/1", 5f)))
                .isInstanceOf(java.util.NoSuchElementException.class).hasMessageContaining("sae train");
    }

    static List<String> brown(int max) throws IOException {
        Path dir = Path.of("lantern-data/corpora/brown");
        assertThat(dir.resolve("ca01")).as("run scripts/fetch-brown.sh first").exists();
        Pattern split = Pattern.compile("\\s+");
        List<String> out = new ArrayList<>();
        for (String file : List.of("ca02", "cb03", "ce04", "cf05", "cj06", "ck07", "cp08")) {
            for (String line : Files.readAllLines(dir.resolve(file))) {
                if (line.isBlank()) continue;
                StringBuilder sb = new StringBuilder();
                for (String tok : split.split(line.strip())) {
                    int slash = tok.lastIndexOf('/');
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.append(slash > 0 ? tok.substring(0, slash) : tok);
                }
                if (sb.length() > 20 && sb.length() < 300) out.add(sb.toString());
                if (out.size() >= max) return out;
            }
        }
        return out;
    }

    /**
     * A real neuron: the layer-3 MLP neuron with the most skewed activations on Brown sentences. Its 16 top sentences
     * (by the neuron's max activation) move more under its ablation than 16 random others.
     */
    @Test
    void ablatingANeuronMovesItsTopTextsMoreThanRandomOnes(@TempDir Path data) throws IOException {
        List<String> texts = brown(240);
        int layer = 3;
        String hook = HookNames.mlpPost(layer);
        float[][] maxPerText = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += 32) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + 32));
            for (int i = 0; i < part.size(); i++) {
                Encoding e = model.encode(part.get(i));
                try (NDManager m = manager.newSubManager()) {
                    Hooks h = Hooks.none().cache(hook);
                    HookPass hPass = h.start();
                    model.forward(m, new long[][]{e.ids()}, new int[]{e.length()}, hPass);
                    maxPerText[from + i] = hPass.get(hook).get(0).max(new int[]{0}).toFloatArray();
                }
            }
        }
        int neurons = maxPerText[0].length;
        int best = 0;
        double bestSkew = -1;
        for (int n = 0; n < neurons; n++) {
            float[] col = new float[texts.size()];
            for (int t = 0; t < texts.size(); t++) col[t] = maxPerText[t][n];
            float[] sorted = col.clone();
            java.util.Arrays.sort(sorted);
            double skew = sorted[sorted.length - 8] - sorted[sorted.length / 2];
            if (skew > bestSkew) {
                bestSkew = skew;
                best = n;
            }
        }
        final int neuron = best;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> maxPerText[i][neuron]).reversed());
        List<String> top = order.subList(0, 16).stream().map(texts::get).toList();
        List<Integer> rest = new ArrayList<>(order.subList(16, order.size()));
        Collections.shuffle(rest, new Random(4));
        List<String> random = rest.subList(0, 16).stream().map(texts::get).toList();

        InterventionPlanner planner = new InterventionPlanner(model, new SaeStore(data, manager), new DirectionStore(data));
        CausalScore s = new CausalScorer(model, planner).ablationScore("minilm-l6/" + layer + "/mlp/" + neuron, top, random);
        System.out.println("causal score of neuron " + neuron + ": " + s);
        assertThat(s.topTexts()).isEqualTo(16);
        assertThat(s.randomTexts()).isEqualTo(16);
        assertThat(s.topEffect()).isGreaterThan(s.randomEffect());
        assertThat(s.ratio()).isGreaterThan(1.0);
        // selectivity is the ratio on a bounded scale: (r - 1) / (r + 1), positive exactly when the top texts move more
        assertThat(s.selectivity()).isStrictlyBetween(0.0, 1.0)
                .isCloseTo((s.ratio() - 1) / (s.ratio() + 1), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void selectivityIsBoundedAndSymmetric() {
        assertThat(CausalScore.selectivity(3, 1)).isEqualTo(0.5);
        assertThat(CausalScore.selectivity(1, 3)).isEqualTo(-0.5);
        assertThat(CausalScore.selectivity(2e-4, 0)).isEqualTo(1.0);
        assertThat(CausalScore.selectivity(0, 0)).isZero(); // nothing moved anywhere: not selective
    }
}
