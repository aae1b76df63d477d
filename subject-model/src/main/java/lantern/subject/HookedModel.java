package lantern.subject;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * A model whose forward pass runs through named hook points (TransformerLens' {@code run_with_hooks} /
 * {@code run_with_cache}), encoder and decoder alike.
 *
 * <p>Memory policy, the same in every model: {@link #run} attaches its output and every cached activation to the
 * manager the caller passes; the caller owns them and frees them by closing that manager. Temporaries of the pass
 * are freed before {@code run} returns. Cached arrays are what flowed on at their hook point (after the
 * replacements there) and are never changed in place later in the pass; when a hook stops a pass by throwing, what
 * was cached before stays the caller's too.
 *
 * <p>Hook names are checked when a run starts: a name this model does not have (a typo) is an
 * {@link UnknownHookException} listing the valid ones, never a silent no-op.
 */
public interface HookedModel extends SubjectModel {
    /** The manager holding the weights; make per-run sub-managers of it. */
    NDManager manager();

    /** Every hook point of this model, in the order a forward pass meets them. */
    default List<String> hookNames() {
        return HookNames.all(info().layers());
    }

    /** True for decoders (they have an unembedding and causal attention). */
    default boolean isDecoder() {
        return !info().encoder();
    }

    /**
     * The ids a model sequence starts and ends with around its text (e.g. [CLS] .. [SEP] for BERT, BOS for
     * Llama and llama2.c, {@code <|endoftext|>} for GPT-2 as TransformerLens prepends it).
     */
    SequenceFrame frame();

    /**
     * A text as this model reads it: the model's {@link #frame} around the text's tokens ([CLS] .. [SEP] for BERT,
     * BOS for decoders), each token shown as the text had it ({@code " the"}), the frame marked special with span
     * (-1, -1). The one framing policy of every caller: a text with no tokens, or longer than the context once framed,
     * is a {@link lantern.errors.InvalidInputException} naming the lengths. Callers that walk a corpus and skip what does
     * not fit use {@link #frameText} and check the length themselves.
     */
    default Encoding toTokens(String text) {
        Encoding e = frameText(text);
        SequenceFrame f = frame();
        if (text == null || e.length() == f.prefix().length + f.suffix().length) {
            throw new lantern.errors.InvalidInputException("text has no tokens");
        }
        if (e.length() > info().contextLength()) {
            throw new lantern.errors.InvalidInputException("text has " + e.length() + " tokens; " + info().id()
                    + " reads at most " + info().contextLength());
        }
        return e;
    }

    /** {@link #toTokens} without the checks: the frame around whatever the text tokenizes to, of any length. */
    default Encoding frameText(String text) {
        long[] prefix = frame().prefix();
        long[] suffix = frame().suffix();
        Encoding body = tokenizer().encode(text == null ? "" : text, false);
        int n = prefix.length + body.length() + suffix.length;
        long[] ids = new long[n];
        String[] tokens = new String[n];
        int[] start = new int[n];
        int[] end = new int[n];
        boolean[] special = new boolean[n];
        for (int i = 0; i < n; i++) {
            int j = i - prefix.length;
            boolean frame = j < 0 || j >= body.length();
            ids[i] = j < 0 ? prefix[i] : j < body.length() ? body.ids()[j] : suffix[j - body.length()];
            tokens[i] = frame ? tokenizer().token(ids[i]) : body.tokens()[j];
            start[i] = frame ? -1 : body.charStart()[j];
            end[i] = frame ? -1 : body.charEnd()[j];
            special[i] = frame || body.special()[j];
        }
        return new Encoding(ids, tokens, start, end, special);
    }

    /**
     * Runs a batch of right-padded token rows with {@code hooks} (what to cache, what to replace).
     *
     * @param lengths real tokens per row (padding after them is ignored by encoders and, through causal attention,
     *                cannot reach real tokens of decoders)
     * @return the final (normalized) residual {@code [B, T, d]} and the cache, both attached to {@code m}
     * @throws UnknownHookException when {@code hooks} names a hook point this model does not have
     */
    default HookedRun run(NDManager m, long[][] ids, int[] lengths, Hooks hooks) {
        return run(m, ids, lengths, hooks.start());
    }

    /**
     * As {@link #run(NDManager, long[][], int[], Hooks)}, caching into a pass the caller holds: what the pass cached
     * stays readable there even when a hook stopped the run (threw).
     */
    HookedRun run(NDManager m, long[][] ids, int[] lengths, HookPass pass);

    /** {@code run_with_cache}: caches {@code names}, replaces nothing. */
    default HookedRun runWithCache(NDManager m, long[][] ids, int[] lengths, Iterable<String> names) {
        return run(m, ids, lengths, Hooks.none().cache(names));
    }

    /** Checks every name in {@code hooks} against {@link #hookNames()}. */
    default void validate(Hooks hooks) {
        HookNames.validate(hooks, hookNames());
    }

    /**
     * Special ids around each sequence's text.
     *
     * @param prefix ids before the text ([CLS]; BOS)
     * @param suffix ids after it ([SEP]; none for decoders)
     */
    record SequenceFrame(long[] prefix, long[] suffix) {
        public SequenceFrame {
            prefix = prefix.clone();
            suffix = suffix.clone();
        }
    }

    /** The output of one run and the activations it cached, owned by the caller's manager. */
    record HookedRun(NDArray output, ActivationCache cache) {
    }
}
