package lantern.subject.lre;

import lantern.api.lre.LreOptions;
import lantern.api.lre.LreResult;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import lantern.errors.InvalidInputException;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.SubjectModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.icl.IclTokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Linear relational embeddings (Hernandez et al., 2024), as the paper's {@code JacobianIclMeanEstimator}: for each
 * training pair, the first-order approximation {@code z ≈ W h + b} of the decoder between the subject's last-token
 * state at layer L and the last layer's state at the prompt's last token, in a few-shot prompt of the other training
 * pairs; W and b are the means. The operator predicts {@code LM_head(β W h + b)}.
 *
 * <p>Faithfulness: on held-out subjects (prompted with every training pair), the operator's top token against the
 * model's. Causality (the reference's {@code LowRankPInvEditor}): {@code h + W_r⁺ (z' - z)} at layer L, with z' the
 * state of another held-out subject whose object differs, must make the model predict that subject's object.
 */
public final class RelationalEmbedding {
    public static final double DEFAULT_BETA = 2.25;
    public static final int DEFAULT_TRAIN = 5;
    public static final int DEFAULT_RANK = 100;
    public static final int MAX_TEST = 100;

    private RelationalEmbedding() {
    }

    public static LreResult run(SubjectModel subject, Relation relation, LreOptions o, Consumer<String> progress) {
        long t0 = System.nanoTime();
        DecoderModel model = IclTokens.decoder(subject, "linear relational embedding");
        int layer = model.requireLayer(o.layer());
        int d = model.config().dModel();
        double beta = o.beta() == null ? DEFAULT_BETA : o.beta();
        if (!Double.isFinite(beta)) throw new InvalidInputException("beta must be a finite number");
        int nTrain = o.train() == null ? DEFAULT_TRAIN : o.train();
        int rank = o.rank() == null ? Math.min(DEFAULT_RANK, d) : o.rank();
        if (rank < 1 || rank > d) throw new InvalidInputException("rank must be 1.." + d + ", got " + rank);
        if (nTrain < 1) throw new InvalidInputException("train must be at least 1, got " + nTrain);
        if (relation.samples().size() < nTrain + 2) {
            throw new InvalidInputException("relation " + relation.name() + " has " + relation.samples().size()
                    + " samples: need at least train + 2 = " + (nTrain + 2) + " (held-out subjects to measure on)");
        }
        List<Relation.Sample> shuffled = new ArrayList<>(relation.samples());
        java.util.Collections.shuffle(shuffled, new Random(o.seed()));
        List<Relation.Sample> train = shuffled.subList(0, nTrain);
        List<Relation.Sample> test = shuffled.subList(nTrain, Math.min(shuffled.size(), nTrain + MAX_TEST));

        Fit fit = fit(model, relation, train, layer, progress);
        float[] w = fit.weight();
        float[] b = fit.bias();

        progress.accept("held-out subjects: " + test.size());
        List<State> states = new ArrayList<>();
        List<LreResult.Subject> rows = new ArrayList<>();
        int faithful = 0, lmRight = 0, lreRight = 0;
        for (Relation.Sample s : test) {
            State st = state(model, relation, train, s, layer);
            states.add(st);
            float[] lre = operatorLogits(model, w, b, beta, st.h);
            int lmTop = IclTokens.argmax(st.logits);
            int lreTop = IclTokens.argmax(lre);
            boolean f = lmTop == lreTop;
            if (f) faithful++;
            if (lmTop == st.objectId) lmRight++;
            if (lreTop == st.objectId) lreRight++;
            rows.add(new LreResult.Subject(s.subject(), s.object(), token(model, st.objectId), token(model, lmTop),
                    IclTokens.softmax(st.logits)[lmTop], token(model, lreTop), IclTokens.softmax(lre)[lreTop], f));
        }

        progress.accept("causality: pseudo-inverse of rank " + rank);
        float[] pinv = Svd.of(w, d).pinv(rank);
        List<LreResult.Edit> edits = new ArrayList<>();
        int success = 0;
        for (int i = 0; i < states.size(); i++) {
            State from = states.get(i);
            State to = null;
            for (int k = 1; k < states.size() && to == null; k++) {
                State c = states.get((i + k) % states.size());
                if (!c.sample.subject().equals(from.sample.subject()) && c.objectId != from.objectId) to = c;
            }
            if (to == null) continue;
            float[] delta = new float[d];
            for (int r = 0; r < d; r++) {
                double x = 0;
                for (int c = 0; c < d; c++) x += (double) pinv[r * d + c] * (to.z[c] - from.z[c]);
                delta[r] = (float) x;
            }
            float[] edited = editedLogits(model, from, layer, delta);
            int top = IclTokens.argmax(edited);
            boolean ok = top == to.objectId;
            if (ok) success++;
            edits.add(new LreResult.Edit(from.sample.subject(), to.sample.subject(), to.sample.object(),
                    token(model, IclTokens.argmax(from.logits)), token(model, top),
                    IclTokens.softmax(edited)[(int) to.objectId], ok));
        }
        int n = test.size();
        return new LreResult(model.info().id(), relation.name(), relation.template(), layer, beta, rank,
                train.stream().map(Relation.Sample::subject).toList(), (double) faithful / n,
                edits.isEmpty() ? null : (Double) ((double) success / edits.size()), (double) lmRight / n,
                (double) lreRight / n, norm(w), norm(b), rows, edits, (System.nanoTime() - t0) / 1e9);
    }

    /** The mean Jacobian W (d x d, row-major) and mean bias b over the training pairs. */
    public record Fit(float[] weight, float[] bias) {
    }

    /** W and b: each training pair in a few-shot prompt of the others, first-order approximation, mean. */
    public static Fit fit(DecoderModel model, Relation relation, List<Relation.Sample> train, int layer,
                          Consumer<String> progress) {
        int d = model.config().dModel();
        float[] w = new float[d * d];
        float[] b = new float[d];
        for (int i = 0; i < train.size(); i++) {
            Relation.Sample s = train.get(i);
            progress.accept("Jacobian " + (i + 1) + "/" + train.size() + " (" + s.subject() + ")");
            String prompt = relation.prompt(train, s.subject());
            FirstOrder.Approx a = FirstOrder.at(model, IclTokens.ids(model, prompt), layer,
                    IclTokens.lastTokenOf(model, prompt, s.subject()));
            for (int k = 0; k < w.length; k++) w[k] += a.weight()[k] / train.size();
            for (int k = 0; k < d; k++) b[k] += a.bias()[k] / train.size();
        }
        return new Fit(w, b);
    }

    /** A held-out subject in its few-shot prompt: h, z, the model's next-token logits, the object's first token. */
    record State(Relation.Sample sample, long[] ids, int position, float[] h, float[] z, float[] logits,
                 long objectId) {
    }

    static State state(DecoderModel model, Relation relation, List<Relation.Sample> train, Relation.Sample s,
                       int layer) {
        String prompt = relation.prompt(train, s.subject());
        long[] ids = IclTokens.ids(model, prompt);
        int pos = IclTokens.lastTokenOf(model, prompt, s.subject());
        String hName = HookNames.residPost(layer);
        String zName = HookNames.residPost(model.config().layers() - 1);
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(hName, zName);
            HookPass pass = hooks.start();
            NDArray out = model.forward(m, new long[][]{ids}, null, pass);
            int t = ids.length;
            return new State(s, ids, pos, pass.get(hName).get(new NDIndex("0, {}", pos)).toFloatArray(),
                    pass.get(zName).get(new NDIndex("0, {}", t - 1)).toFloatArray(),
                    model.logits(out.get(new NDIndex("0, {}", t - 1))).toFloatArray(),
                    IclTokens.answerId(model, prompt, " " + s.object()));
        }
    }

    /** LM_head(β W h + b): the final norm and the unembedding applied to the operator's z. */
    public static float[] operatorLogits(DecoderModel model, float[] w, float[] b, double beta, float[] h) {
        int d = h.length;
        float[] z = new float[d];
        for (int i = 0; i < d; i++) {
            double x = 0;
            for (int j = 0; j < d; j++) x += (double) w[i * d + j] * h[j];
            z[i] = (float) (beta * x + b[i]);
        }
        try (NDManager m = model.manager().newSubManager()) {
            return model.logits(model.finalNorm(m.create(z, new Shape(1, d)))).toFloatArray();
        }
    }

    static float[] editedLogits(DecoderModel model, State from, int layer, float[] delta) {
        int d = delta.length;
        int t = from.ids.length;
        try (NDManager m = model.manager().newSubManager()) {
            float[] add = new float[t * d];
            System.arraycopy(delta, 0, add, from.position * d, d);
            NDArray addArr = m.create(add, new Shape(1, t, d));
            Hooks hooks = Hooks.none().replace(HookNames.residPost(layer), x -> x.add(addArr));
            HookPass pass = hooks.start();
            NDArray out = model.forward(m, new long[][]{from.ids}, null, pass);
            return model.logits(out.get(new NDIndex("0, {}", t - 1))).toFloatArray();
        }
    }

    private static String token(DecoderModel model, long id) {
        return model.tokenizer().displayToken(id);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }
}
