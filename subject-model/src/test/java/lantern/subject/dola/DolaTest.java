package lantern.subject.dola;

import lantern.api.generate.GenerationResult;

import lantern.errors.InvalidInputException;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.Generation;
import lantern.subject.decoder.Generator;
import lantern.subject.decoder.ReferenceDecoder;
import lantern.api.generate.Sampling;
import lantern.subject.decoder.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DoLa against an independent plain-Java reference: {@link ReferenceDecoder} gives the hidden states and final
 * logits, and the reference below redoes transformers' layer choice, JS divergence, relative-top filter and
 * repetition penalty step by step, recomputing the whole sequence each step (our generator uses the KV cache).
 */
class DolaTest {
    static final TinyModels.Spec S = new TinyModels.Spec(16, 6, 4, 2, 32, 64, 32);
    static final String PROMPT = "the cat sat on the mat";

    @TempDir
    static Path tmp;
    static DecoderModel gpt2;
    static DecoderModel llama;
    static Map<String, float[]> gw;
    static Map<String, float[]> lw;

    @BeforeAll
    static void load() throws Exception {
        gw = TinyModels.gpt2Weights(S, 31);
        lw = TinyModels.llamaWeights(S, 32, false, false);
        TinyModels.writeGpt2(tmp.resolve("g"), S, gw, "F32", "");
        TinyModels.writeLlama(tmp.resolve("l"), S, lw, "llama", false, 10000, "F32");
        gpt2 = DecoderModels.load(tmp.resolve("g"));
        llama = DecoderModels.load(tmp.resolve("l"));
    }

    @AfterAll
    static void close() {
        gpt2.close();
        llama.close();
    }

    @Test
    void candidateLayersAreTransformersOnes() {
        // untied: start 0
        assertThat(DolaLayers.candidates("low", 6, false)).containsExactly(0, 2);
        assertThat(DolaLayers.candidates("high", 6, false)).containsExactly(3, 5);
        assertThat(DolaLayers.candidates("low", 32, false)).containsExactly(0, 2, 4, 6, 8, 10, 12, 14);
        assertThat(DolaLayers.candidates("high", 32, false)).containsExactly(16, 18, 20, 22, 24, 26, 28, 30);
        // tied: start 2 above two layers, 1 at two, 0 at one
        assertThat(DolaLayers.candidates("low", 12, true)).containsExactly(2, 4);
        assertThat(DolaLayers.candidates("low", 6, true)).containsExactly(2);
        assertThat(DolaLayers.candidates("high", 6, true)).containsExactly(3, 5);
        assertThat(DolaLayers.candidates("low", 2, true)).containsExactly(1);
        assertThat(DolaLayers.candidates("low", 2, false)).containsExactly(0);
        assertThat(DolaLayers.candidates("high", 2, true)).containsExactly(1);
        assertThat(DolaLayers.candidates("low", 1, true)).containsExactly(0);
        assertThat(DolaLayers.candidates("low", 4, true)).containsExactly(2); // start == N // 2
        // deep models: the first / last twenty layers
        assertThat(DolaLayers.candidates("low", 48, true)).containsExactly(2, 4, 6, 8, 10, 12, 14, 16, 18);
        assertThat(DolaLayers.candidates("high", 48, false))
                .containsExactly(28, 30, 32, 34, 36, 38, 40, 42, 44, 46);
        // lists: layers at or above N are dropped, order kept
        assertThat(DolaLayers.candidates("4, 0,9,2", 6, false)).containsExactly(4, 0, 2);
        // tied, three layers: transformers' low range(2, 1, 2) is empty; we refuse it clearly
        assertThatThrownBy(() -> DolaLayers.candidates("low", 3, true)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no candidate");
        assertThatThrownBy(() -> DolaLayers.candidates("7,8", 6, false)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DolaLayers.candidates("-1", 6, false)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DolaLayers.candidates("middle", 6, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("middle");
    }

    @Test
    void greedyDolaMatchesTheReferenceStepByStep() {
        String[] dolas = {"high", "low", "0,3,5", "4"};
        float[] penalties = {1f, 1.2f, 1.2f, 1f};
        for (int i = 0; i < dolas.length; i++) {
            check(gpt2, gw, ReferenceDecoder.Kind.GPT2, dolas[i], penalties[i]);
            check(llama, lw, ReferenceDecoder.Kind.HF_LLAMA, dolas[i], penalties[i]);
        }
    }

    private void check(DecoderModel model, Map<String, float[]> w, ReferenceDecoder.Kind kind, String dola,
                       float penalty) {
        int[] cands = DolaLayers.candidates(dola, S.layers(), model.config().tiedEmbeddings());
        long[] prompt = Generator.promptIds(model, PROMPT);
        DolaPass pass = new DolaPass(model, cands);
        Generation g = Generator.withCache(model, prompt, Sampling.greedy(5), Hooks.none(), Hooks.none(), pass,
                penalty);
        GenerationResult viaService = DolaGenerator.generate(model, PROMPT, Sampling.greedy(5), dola, penalty);

        List<Integer> seq = new ArrayList<>();
        for (long id : prompt) seq.add((int) id);
        List<Long> refTokens = new ArrayList<>();
        List<Integer> refLayers = new ArrayList<>();
        String what = model.info().family() + " dola=" + dola + " penalty=" + penalty;
        for (int step = 0; step < 5; step++) {
            int[] ids = seq.stream().mapToInt(Integer::intValue).toArray();
            int last = ids.length - 1;
            float eps = kind == ReferenceDecoder.Kind.GPT2 ? 1e-5f : 1e-6f;
            float[] fin = ReferenceDecoder.logits(kind, S, w, ids, 10000, eps)[last];
            float[][][] resid = ReferenceDecoder.residPre(kind, S, w, ids, 10000, eps);
            float[] head = kind == ReferenceDecoder.Kind.GPT2 ? w.get("wte.weight")
                    : w.getOrDefault("lm_head.weight", w.get("model.embed_tokens.weight"));
            // the reference: JS over every candidate, the farthest one, the filtered log-ratio
            int best = -1;
            double bestJs = -1;
            for (int c : cands) {
                double js = refJs(fin, unembed(resid[c][last], head));
                if (best < 0 || js > bestJs) {
                    best = c;
                    bestJs = js;
                }
            }
            if (cands.length == 1) best = cands[0];
            double[] contrast = refContrast(fin, unembed(resid[best][last], head));
            DolaContrast.Step ours = pass.steps().get(step);
            assertThat(ours.premature()).as(what + " step " + step).isEqualTo(best);
            for (int i = 0; i < contrast.length; i++) {
                if (Double.isInfinite(contrast[i])) {
                    assertThat(ours.logits()[i]).as(what + " token " + i).isEqualTo(Float.NEGATIVE_INFINITY);
                } else {
                    assertThat((double) ours.logits()[i]).as(what + " token " + i)
                            .isCloseTo(contrast[i], org.assertj.core.data.Offset.offset(2e-3));
                }
            }
            // repetition penalty after the contrast, over prompt and generated ids
            boolean[] seen = new boolean[contrast.length];
            for (int id : ids) seen[id] = true;
            int argmax = -1;
            for (int i = 0; i < contrast.length; i++) {
                double v = contrast[i];
                if (seen[i]) v = v < 0 ? v * penalty : v / penalty;
                if (argmax < 0 || v > (seen[argmax] ? penal(contrast[argmax], penalty) : contrast[argmax])) argmax = i;
            }
            refLayers.add(best);
            if (model.stopTokens().contains((long) argmax)) break;
            refTokens.add((long) argmax);
            seq.add(argmax);
        }
        assertThat(g.generatedIds()).as(what).containsExactly(refTokens.stream().mapToLong(Long::longValue).toArray());
        assertThat(viaService.tokens()).extracting(GenerationResult.Token::id).as(what).containsExactlyElementsOf(refTokens);
        assertThat(viaService.tokens()).extracting(GenerationResult.Token::premature).as(what)
                .containsExactlyElementsOf(refLayers.subList(0, refTokens.size()));
    }

    private static double penal(double v, float penalty) {
        return v < 0 ? v * penalty : v / penalty;
    }

    @Test
    void withoutDolaItIsOrdinaryGeneration() {
        for (DecoderModel m : List.of(gpt2, llama)) {
            GenerationResult r = DolaGenerator.generate(m, PROMPT, Sampling.greedy(8), null, 1f);
            Generation plain = Generator.withCache(m, Generator.promptIds(m, PROMPT), Sampling.greedy(8), Hooks.none());
            assertThat(r.text()).isEqualTo(plain.text());
            assertThat(r.candidates()).isEmpty();
            assertThat(r.tokens()).allSatisfy(t -> assertThat(t.premature()).isNull());
        }
    }

    @Test
    void sampledDolaIsSeededAndNeverPicksAFilteredToken() {
        Sampling s = new Sampling(10, 1.0f, 0.95f, 7);
        GenerationResult a = DolaGenerator.generate(llama, PROMPT, s, "high", 1.2f);
        GenerationResult b = DolaGenerator.generate(llama, PROMPT, s, "high", 1.2f);
        assertThat(a.tokens()).extracting(GenerationResult.Token::id)
                .containsExactlyElementsOf(b.tokens().stream().map(GenerationResult.Token::id).toList());
        int[] cands = DolaLayers.candidates("high", S.layers(), false);
        DolaPass pass = new DolaPass(llama, cands);
        Generation g = Generator.withCache(llama, Generator.promptIds(llama, PROMPT), s, Hooks.none(), Hooks.none(),
                pass, 1.2f);
        for (int i = 0; i < g.generatedIds().length; i++) {
            assertThat(pass.steps().get(i).logits()[(int) g.generatedIds()[i]]).isFinite();
        }
        assertThat(a.tokens()).allSatisfy(t -> assertThat(t.js()).hasSize(2));
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> DolaGenerator.generate(llama, PROMPT, Sampling.greedy(2), "12", 1f))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> DolaGenerator.generate(llama, PROMPT, Sampling.greedy(2), "high", 0f))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("repetitionPenalty");
    }

    @Test
    void heldOutPerplexityCountsWhatTheFilterRemoves() {
        int[] stream = new int[40];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < stream.length; i++) stream[i] = 1 + r.nextInt(S.vocab() - 1);
        int[] cands = DolaLayers.candidates("high", S.layers(), false);
        DolaEvaluation.Perplexity p = DolaEvaluation.perplexity(llama, stream, 16, 1000, cands, null);
        // reference: the same windows (16 inputs predicting the next 16), recomputed in plain Java
        double plain = 0;
        double keptDola = 0;
        long filtered = 0;
        long n = 0;
        for (int start = 0; start + 1 < stream.length; start += 16) {
            int len = Math.min(17, stream.length - start);
            int[] row = java.util.Arrays.copyOfRange(stream, start, start + len - 1);
            float[][] fin = ReferenceDecoder.logits(ReferenceDecoder.Kind.HF_LLAMA, S, lw, row, 10000, 1e-6f);
            float[][][] resid = ReferenceDecoder.residPre(ReferenceDecoder.Kind.HF_LLAMA, S, lw, row, 10000, 1e-6f);
            for (int pos = 0; pos < row.length; pos++) {
                int target = stream[start + pos + 1];
                double[] pf = probs(fin[pos]);
                plain -= Math.log(pf[target]);
                n++;
                int best = cands[0];
                double bestJs = -1;
                for (int c : cands) {
                    double js = refJs(fin[pos], unembed(resid[c][pos], lw.get("lm_head.weight")));
                    if (js > bestJs) {
                        bestJs = js;
                        best = c;
                    }
                }
                double[] contrast = refContrast(fin[pos], unembed(resid[best][pos], lw.get("lm_head.weight")));
                if (Double.isInfinite(contrast[target])) {
                    filtered++;
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double v : contrast) max = Math.max(max, v);
                double z = 0;
                for (double v : contrast) z += Math.exp(v - max);
                keptDola -= contrast[target] - max - Math.log(z);
            }
        }
        assertThat(p.tokens()).isEqualTo(n).isEqualTo(39);
        assertThat(p.filtered()).isEqualTo(filtered);
        assertThat(p.plainNll()).isCloseTo(plain, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(p.keptDolaNll()).isCloseTo(keptDola, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(java.util.Arrays.stream(p.premature()).sum()).isEqualTo(n);
        assertThat(DolaEvaluation.seqRep(new long[]{1, 2, 1, 2, 1, 2}, 2)).isCloseTo(1 - 2 / 5.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(DolaEvaluation.seqRep(new long[]{1, 2, 3, 4}, 1)).isZero();
    }

    // ---- the reference, written from the paper and transformers' formulas, in doubles ----

    static float[] unembed(float[] x, float[] head) {
        int v = head.length / x.length;
        float[] out = new float[v];
        for (int t = 0; t < v; t++) {
            double dot = 0;
            for (int i = 0; i < x.length; i++) dot += x[i] * head[t * x.length + i];
            out[t] = (float) dot;
        }
        return out;
    }

    static double[] probs(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) z += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= z;
        return p;
    }

    /** JS with transformers' per-vocabulary mean inside each KL. */
    static double refJs(float[] mature, float[] premature) {
        double[] p = probs(mature);
        double[] q = probs(premature);
        double a = 0;
        double b = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            a += m * Math.log(m / p[i]);
            b += m * Math.log(m / q[i]);
        }
        return (a / p.length + b / p.length) / 2;
    }

    /** Tokens with p_final &lt; 0.1 max p_final: −∞; the rest log p_final − log p_premature. */
    static double[] refContrast(float[] mature, float[] premature) {
        double[] p = probs(mature);
        double[] q = probs(premature);
        double max = 0;
        for (double v : p) max = Math.max(max, v);
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] < 0.1 * max ? Double.NEGATIVE_INFINITY : Math.log(p[i]) - Math.log(q[i]);
        }
        return out;
    }
}
