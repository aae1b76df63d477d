package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.Encoding;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.HookedModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs the encoder over texts and keeps one hook's activation at every real token: padding is dropped, the special
 * tokens [CLS] and [SEP] are kept (they flow through the model like any token, and interventions at the hook touch
 * them too, so an SAE spliced in at the hook must reconstruct them as well).
 *
 * <p>Texts are batched by similar length to keep padding small, and the forward pass stops right after the hook
 * (the next hook throws), so collecting layer 3 costs four blocks, not six. Texts longer than the model's context
 * are skipped.
 */
public final class HookActivationCollector {
    private static final int BATCH_TOKENS = 4096;

    private final HookedModel model;

    public HookActivationCollector(HookedModel model) {
        this.model = model;
    }

    private static final class StopForward extends RuntimeException {
        StopForward() {
            super(null, null, false, false);
        }
    }

    /**
     * Collects at most {@code maxTokens} rows [tokens, width] onto {@code into}; {@code progress} receives the token
     * count so far.
     */
    public TokenActivations collect(String hook, List<String> texts, long maxTokens, NDManager into, LongConsumer progress) {
        HookNames.requireValid(hook, model.info().layers());
        List<String> all = HookNames.all(model.info().layers());
        int at = all.indexOf(hook);
        String next = at + 1 < all.size() ? all.get(at + 1) : null;

        List<Encoding> encs = new ArrayList<>();
        long planned = 0;
        for (String t : texts) {
            if (planned >= maxTokens) break;
            Encoding e = model.tokenizer().encode(t, true);
            if (e.length() > model.info().contextLength()) continue;
            encs.add(e);
            planned += e.length();
        }
        List<Encoding> sorted = new ArrayList<>(encs);
        sorted.sort(Comparator.comparingInt(Encoding::length));

        List<NDArray> parts = new ArrayList<>();
        long tokens = 0;
        int from = 0;
        while (from < sorted.size() && tokens < maxTokens) {
            // sorted by length: the batch's last text is its longest, so rows * that length bounds the padded size
            int to = from;
            while (to < sorted.size() && (to - from + 1) * (long) sorted.get(to).length() <= BATCH_TOKENS) to++;
            if (to == from) to = from + 1;
            int longest = sorted.get(to - 1).length();
            NDArray rows = run(hook, next, sorted.subList(from, to), longest, into);
            parts.add(rows);
            tokens += rows.getShape().get(0);
            progress.accept(tokens);
            from = to;
        }
        NDArray data = parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(new NDList(parts), 0);
        if (data.getShape().get(0) > maxTokens) {
            NDArray cut = data.get(new NDIndex(":{}", maxTokens));
            cut.attach(into);
            data = cut;
        }
        for (NDArray p : parts) if (p != data) p.close();
        return new TokenActivations(hook, data, encs.size());
    }

    private NDArray run(String hook, String next, List<Encoding> batch, int t, NDManager into) {
        long[][] ids = new long[batch.size()][t];
        int[] lengths = new int[batch.size()];
        int real = 0;
        for (Encoding e : batch) real += e.length();
        long[] rowsToKeep = new long[real];
        int r = 0;
        for (int i = 0; i < batch.size(); i++) {
            Encoding e = batch.get(i);
            System.arraycopy(e.ids(), 0, ids[i], 0, e.length());
            lengths[i] = e.length();
            for (int j = 0; j < e.length(); j++) rowsToKeep[r++] = (long) i * t + j;
        }
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(hook);
            if (next != null) {
                hooks.replace(next, x -> {
                    throw new StopForward();
                });
            }
            try {
                model.run(m, ids, lengths, hooks);
            } catch (StopForward stop) {
                // the hook we want has been cached; the rest of the model is not needed
            }
            NDArray act = hooks.get(hook);
            long width = act.getShape().get(act.getShape().dimension() - 1);
            NDArray flat = act.reshape(-1, width);
            NDArray rows = flat.get(new NDIndex("{}", m.create(rowsToKeep)));
            rows.attach(into);
            return rows;
        }
    }
}
