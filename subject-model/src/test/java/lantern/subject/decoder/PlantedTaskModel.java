package lantern.subject.decoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A two-layer Llama (q/k/v biases, RoPE) built so that ONE attention head carries the in-context task "copy the
 * input" in the function-vector template {@code "Q: x\nA: y\n\n ... Q: xq\nA:"} (the tiny tokenizer reads Q and A as
 * [UNK] and drops whitespace, so a demonstration is the six tokens {@code [UNK] : x [UNK] : y}).
 *
 * <ul>
 *   <li>Layer 0, head 0 looks 3 tokens back and head 1 looks 2 back (constant RoPE'd query/key biases whose dot
 *       product peaks at that offset); they copy the token there into the PREV and QUERY blocks.</li>
 *   <li>Layer 0's MLP writes 1 into MATCH wherever the token equals the one 3 back: at every demonstration output
 *       of a clean copy prompt, at few of them once the labels are shuffled.</li>
 *   <li>Layer 1, head {@link #TASK_HEAD} (the task head) attends uniformly and writes the mean of MATCH into SUPP.</li>
 *   <li>The unembedding promotes the QUERY token and the word "the" (id 1), which SUPP suppresses: with the task
 *       head's clean output the model copies the query; without it, it says "the".</li>
 * </ul>
 * Every other head has zero weights. Vocabulary: the tiny tokenizer's; task words w33 .. w48.
 */
public final class PlantedTaskModel {
    public static final TinyModels.Spec SPEC = new TinyModels.Spec(64, 2, 4, 4, 16, 64, 128);
    public static final int TASK_LAYER = 1;
    public static final int TASK_HEAD = 2;
    public static final int FIRST_WORD = 33;
    public static final int WORDS = 16;
    static final int CONST = 16, PREV = 17, QUERY = 33, MATCH = 49, SUPP = 50;

    private PlantedTaskModel() {
    }

    public static Map<String, float[]> weights() {
        TinyModels.Spec s = SPEC;
        int d = s.d(), hd = s.hd(), q = s.heads() * hd, f = s.dMlp();
        Map<String, float[]> w = PlantedModels.zeros(s, true);
        float[] embed = w.get("model.embed_tokens.weight");
        for (int t = 0; t < s.vocab(); t++) {
            embed[t * d + CONST] = 1f;
            if (t >= FIRST_WORD && t < FIRST_WORD + WORDS) embed[t * d + (t - FIRST_WORD)] = 1f;
        }
        String l0 = "model.layers.0.", l1 = "model.layers.1.";
        // layer 0: positional heads that copy the token 3 back (head 0 -> PREV) and 2 back (head 1 -> QUERY)
        positionalHead(w, l0, 0, 3, PREV);
        positionalHead(w, l0, 1, 2, QUERY);
        // layer 0 MLP: neuron i fires when TOK_i and PREV_i are both set
        float[] gate = w.get(l0 + "mlp.gate_proj.weight");
        float[] up = w.get(l0 + "mlp.up_proj.weight");
        float[] down = w.get(l0 + "mlp.down_proj.weight");
        float alpha = 4f;
        for (int i = 0; i < WORDS; i++) {
            gate[i * d + i] = alpha;
            gate[i * d + PREV + i] = alpha;
            gate[i * d + CONST] = -1.5f * alpha;
            up[i * d + CONST] = 1f;
            down[MATCH * f + i] = 1f / 42.7f;
        }
        // layer 1: the task head averages MATCH over the prompt into SUPP
        float[] v1 = w.get(l1 + "self_attn.v_proj.weight");
        float[] o1 = w.get(l1 + "self_attn.o_proj.weight");
        v1[(TASK_HEAD * hd) * d + MATCH] = 1f;
        o1[SUPP * q + TASK_HEAD * hd] = 1f;
        // unembedding: the QUERY token, and "the" unless suppressed
        float[] head = w.get("lm_head.weight");
        for (int i = 0; i < WORDS; i++) head[(FIRST_WORD + i) * d + QUERY + i] = 1.2f;
        head[d + CONST] = 2f;
        head[d + SUPP] = -3f;
        return w;
    }

    /** Head {@code h} of layer prefix {@code p}: attends {@code offset} tokens back and copies TOK into {@code block}. */
    static void positionalHead(Map<String, float[]> w, String p, int h, int offset, int block) {
        TinyModels.Spec s = SPEC;
        int d = s.d(), hd = s.hd(), q = s.heads() * hd, half = hd / 2;
        float[] bq = w.get(p + "self_attn.q_proj.bias");
        float[] bk = w.get(p + "self_attn.k_proj.bias");
        float a = (float) Math.sqrt(120);
        for (int i = 0; i < 4; i++) {
            double theta = 1.0 / Math.pow(10000, 2.0 * i / hd);
            bq[h * hd + i] = a;
            bk[h * hd + i] = (float) (a * Math.cos(offset * theta));
            bk[h * hd + i + half] = (float) (a * Math.sin(offset * theta));
        }
        float[] v = w.get(p + "self_attn.v_proj.weight");
        float[] o = w.get(p + "self_attn.o_proj.weight");
        for (int k = 0; k < WORDS; k++) {
            v[(h * hd + k) * d + k] = 1f;
            o[(block + k) * q + h * hd + k] = 1f / 5.66f;
        }
    }

    public static Path write(Path dir, Map<String, float[]> w) throws IOException {
        return TinyModels.writeLlama(dir, SPEC, w, "qwen2", false, 10000, "F32");
    }

    public static String word(int i) {
        return PlantedModels.word(FIRST_WORD + i);
    }
}
