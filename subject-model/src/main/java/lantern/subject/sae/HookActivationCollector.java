package lantern.subject.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.HookNames;
import lantern.subject.HookedModel;
import lantern.subject.Hooks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs a hooked model over texts and keeps one hook's activation at every real token: padding is dropped. Encoders:
 * the special tokens [CLS] and [SEP] are kept (they flow through the model like any token, and interventions at the
 * hook touch them too, so an SAE spliced in at the hook must reconstruct them as well). Decoders: each text starts
 * with the model's BOS (its frame), whose rows are left out: BOS is the same token at the same position in every
 * text, and its activations (an attention sink, norms far above the text's) would dominate the SAE's loss.
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

    /** One text as the model runs it; rows {@code keepFrom..ids.length-1} are kept. */
    private record Seq(long[] ids, int keepFrom) {
        int length() {
            return ids.length;
        }

        int kept() {
            return ids.length - keepFrom;
        }
    }

    private Seq tokens(String text) {
        // encoders keep [CLS] and [SEP] rows; decoders drop their BOS rows (see the class comment)
        long[] ids = model.frameText(text).ids();
        return new Seq(ids, model.isDecoder() ? model.frame().prefix().length : 0);
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
        HookNames.requireValid(hook, model.hookNames());
        List<String> all = model.hookNames();
        int at = all.indexOf(HookNames.canonical(hook));
        String next = at + 1 < all.size() ? all.get(at + 1) : null;

        List<Seq> encs = new ArrayList<>();
        long planned = 0;
        for (String t : texts) {
            if (planned >= maxTokens) break;
            Seq e = tokens(t);
            if (e.length() > model.info().contextLength() || e.kept() == 0) continue;
            encs.add(e);
            planned += e.kept();
        }
        List<Seq> sorted = new ArrayList<>(encs);
        sorted.sort(Comparator.comparingInt(Seq::length));

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

    private NDArray run(String hook, String next, List<Seq> batch, int t, NDManager into) {
        long[][] ids = new long[batch.size()][t];
        int[] lengths = new int[batch.size()];
        int real = 0;
        for (Seq e : batch) real += e.kept();
        long[] rowsToKeep = new long[real];
        int r = 0;
        for (int i = 0; i < batch.size(); i++) {
            Seq e = batch.get(i);
            System.arraycopy(e.ids(), 0, ids[i], 0, e.length());
            lengths[i] = e.length();
            for (int j = e.keepFrom(); j < e.length(); j++) rowsToKeep[r++] = (long) i * t + j;
        }
        try (NDManager m = model.manager().newSubManager()) {
            // the activation is copied out at its hook into m: a model may free the arrays of a block it leaves early
            NDArray[] captured = new NDArray[1];
            Hooks hooks = Hooks.none().replace(hook, x -> {
                NDArray c = x.duplicate();
                c.attach(m);
                captured[0] = c;
                return x;
            });
            if (next != null) {
                hooks.replace(next, x -> {
                    throw new StopForward();
                });
            }
            try {
                model.run(m, ids, lengths, hooks);
            } catch (StopForward stop) {
                // the hook we want has been captured; the rest of the model is not needed
            }
            NDArray act = captured[0];
            long width = act.getShape().get(act.getShape().dimension() - 1);
            NDArray flat = act.reshape(-1, width);
            NDArray rows = flat.get(new NDIndex("{}", m.create(rowsToKeep)));
            rows.attach(into);
            return rows;
        }
    }
}
