package lantern.eval.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.corpus.Sentence;
import lantern.subject.Encoding;
import lantern.subject.HookedModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hook activations at the last token of every word of tagged sentences, with the word's Brown tag family (as
 * {@link lantern.corpus.TagFamilies} maps it): the examples of k-sparse probing on tag families. A decoder
 * reads each sentence after its BOS and one space (as inside running text), so the last token of a word has seen the
 * whole word; an encoder reads it between [CLS] and [SEP]. Sentences longer than the context are skipped.
 *
 * @param families the tag family of each row
 * @param rows     per hook, [words][width]
 */
public record WordActivations(List<String> families, Map<String, float[][]> rows) {
    private static final int BATCH = 16;

    public int size() {
        return families.size();
    }

    /** Collects at most {@code maxWords} words of {@code sentences} (in order) at {@code hooks}. */
    public static WordActivations collect(HookedModel model, List<Sentence> sentences, List<String> hooks, int maxWords) {
        List<String> fam = new ArrayList<>();
        Map<String, List<float[]>> out = new LinkedHashMap<>();
        for (String h : hooks) out.put(h, new ArrayList<>());
        List<long[]> ids = new ArrayList<>();
        List<int[]> positions = new ArrayList<>();
        for (Sentence s : sentences) {
            if (fam.size() >= maxWords) break;
            if (!s.isTagged()) continue;
            Sentence.Text text = model.isDecoder() ? s.text().afterSpace() : s.text();
            Encoding e = model.tokenizer().encode(text.text(), !model.isDecoder());
            long[] prefix = model.isDecoder() ? model.frame().prefix() : new long[0];
            int[] last = new int[s.size()];
            java.util.Arrays.fill(last, -1);
            for (int i = 0; i < e.length(); i++) {
                if (e.special()[i] || e.charEnd()[i] <= 0) continue;
                int w = text.wordAt(e.charEnd()[i] - 1);
                if (w >= 0) last[w] = prefix.length + i;
            }
            long[] seq = new long[prefix.length + e.length()];
            System.arraycopy(prefix, 0, seq, 0, prefix.length);
            System.arraycopy(e.ids(), 0, seq, prefix.length, e.length());
            if (seq.length > model.info().contextLength()) continue;
            List<Integer> pos = new ArrayList<>();
            List<String> lab = new ArrayList<>();
            for (int w = 0; w < last.length && fam.size() + lab.size() < maxWords; w++) {
                if (last[w] < 0) continue;
                pos.add(last[w]);
                lab.add(s.family(w));
            }
            if (pos.isEmpty()) continue;
            ids.add(seq);
            positions.add(pos.stream().mapToInt(Integer::intValue).toArray());
            fam.addAll(lab);
            if (ids.size() == BATCH) flush(model, hooks, ids, positions, out);
        }
        flush(model, hooks, ids, positions, out);
        Map<String, float[][]> rows = new LinkedHashMap<>();
        out.forEach((h, list) -> rows.put(h, list.toArray(new float[0][])));
        return new WordActivations(List.copyOf(fam), rows);
    }

    private static void flush(HookedModel model, List<String> hooks, List<long[]> ids, List<int[]> positions,
                              Map<String, List<float[]>> out) {
        if (ids.isEmpty()) return;
        int t = ids.stream().mapToInt(a -> a.length).max().orElse(0);
        long[][] batch = new long[ids.size()][t];
        int[] lengths = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            System.arraycopy(ids.get(i), 0, batch[i], 0, ids.get(i).length);
            lengths[i] = ids.get(i).length;
        }
        try (NDManager m = model.manager().newSubManager()) {
            var run = model.runWithCache(m, batch, lengths, hooks);
            for (String h : hooks) {
                NDArray a = run.cache().get(h);
                int width = (int) a.getShape().get(a.getShape().dimension() - 1);
                float[] flat = a.toFloatArray();
                List<float[]> dst = out.get(h);
                for (int i = 0; i < ids.size(); i++) {
                    for (int p : positions.get(i)) {
                        float[] row = new float[width];
                        System.arraycopy(flat, (i * t + p) * width, row, 0, width);
                        dst.add(row);
                    }
                }
            }
        }
        ids.clear();
        positions.clear();
    }
}
