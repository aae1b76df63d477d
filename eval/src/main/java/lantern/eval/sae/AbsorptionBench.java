package lantern.eval.sae;

import ai.djl.ndarray.NDManager;
import lantern.subject.HookedModel;
import lantern.subject.sae.Sae;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The first-letter absorption metric ({@link Absorption}) on a decoder we train: the words are the tokenizer's own
 * whole-word tokens (a space and then two or more lowercase letters, so the token is the word), each read after the
 * model's BOS alone, at the word's token — a tiny model trained on Brown has no in-context learning to lean on, so
 * SAEBench's few-shot spelling prompt would only add noise. One set of word activations serves every SAE on the hook.
 */
public final class AbsorptionBench {
    public record Words(List<String> words, char[] letters, float[][] acts) {
    }

    /** @param hook the SAE's hook, where its words were read */
    public record Row(String sae, String hook, Absorption.Result result) {
        /** Whether the first-letter probe found letters well enough there for the metric to mean anything. */
        public boolean measurable() {
            return result.probeAccuracy() >= Absorption.MEASURABLE_PROBE;
        }
    }

    /** The first-letter probe at one hook. */
    public record ProbeAt(String hook, Absorption.LetterProbe probe) {
    }

    private AbsorptionBench() {
    }

    /** The whole-word tokens of the model's vocabulary and their activations at {@code hook}. */
    public static Words words(HookedModel model, String hook) {
        List<String> words = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (long id = 0; id < model.info().vocabSize(); id++) {
            String s = model.tokenizer().decode(new long[]{id});
            if (s.matches(" [a-z]{2,}")) {
                words.add(s.substring(1));
                ids.add(id);
            }
        }
        if (words.size() < 50) throw new IllegalArgumentException("only " + words.size() + " whole-word tokens in " + model.info().id()
                + "'s vocabulary: too few for a first-letter probe");
        long[] prefix = model.frame().prefix();
        float[][] acts = new float[words.size()][];
        int batch = 256;
        for (int from = 0; from < words.size(); from += batch) {
            int to = Math.min(words.size(), from + batch);
            long[][] seq = new long[to - from][prefix.length + 1];
            int[] lengths = new int[to - from];
            for (int i = from; i < to; i++) {
                System.arraycopy(prefix, 0, seq[i - from], 0, prefix.length);
                seq[i - from][prefix.length] = ids.get(i);
                lengths[i - from] = prefix.length + 1;
            }
            try (NDManager m = model.manager().newSubManager()) {
                var a = model.runWithCache(m, seq, lengths, List.of(hook)).cache().get(hook);
                int d = (int) a.getShape().get(2), t = (int) a.getShape().get(1);
                float[] flat = a.toFloatArray();
                for (int i = from; i < to; i++) {
                    acts[i] = java.util.Arrays.copyOfRange(flat, ((i - from) * t + prefix.length) * d, ((i - from) * t + prefix.length + 1) * d);
                }
            }
        }
        char[] letters = new char[words.size()];
        for (int i = 0; i < letters.length; i++) letters[i] = words.get(i).charAt(0);
        return new Words(List.copyOf(words), letters, acts);
    }

    /**
     * Does any layer of the model encode first letters? The first-letter probe's held-out accuracy on the whole-word
     * tokens at each hook (the embedding and every block's residual output, by default), beside the majority letter.
     */
    public static List<ProbeAt> probeScan(HookedModel model, List<String> hooks, long seed, Consumer<String> progress) {
        List<ProbeAt> out = new ArrayList<>();
        for (String hook : hooks) {
            progress.accept("first-letter probe at " + hook);
            Words w = words(model, hook);
            out.add(new ProbeAt(hook, Absorption.letterProbe(w.acts(), w.letters(), seed)));
        }
        return out;
    }

    public static List<Row> run(HookedModel model, List<Sae> saes, int maxMainLatents, long seed, Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        Words cached = null;
        String cachedHook = null;
        for (Sae sae : saes) {
            String hook = sae.config().hookName();
            if (!hook.equals(cachedHook)) {
                progress.accept("reading whole-word tokens at " + hook);
                cached = words(model, hook);
                cachedHook = hook;
            }
            progress.accept(String.format(Locale.ROOT, "absorption of %s over %d words", sae.config().kind(), cached.words().size()));
            float[][] latents = TagProbingBench.encode(sae, cached.acts(), model.manager());
            float[][] decoder = new float[sae.config().dSae()][];
            for (int j = 0; j < decoder.length; j++) decoder[j] = sae.decoderDirection(j);
            rows.add(new Row(sae.config().kind(), hook, Absorption.measure(cached.acts(), latents, decoder, cached.letters(), maxMainLatents, seed)));
        }
        return rows;
    }
}
