package lantern.subject.decoder;

import lantern.api.generate.Sampling;
import lantern.errors.InvalidInputException;

import ai.djl.ndarray.NDManager;
import lantern.subject.Hooks;

import java.util.Arrays;
import java.util.Random;

/**
 * Autoregressive generation. {@link #withCache} runs the prompt once (with {@code promptHooks}) and then one token
 * per step against the KV cache; {@link #recomputing} re-runs the whole sequence every step with the same hooks,
 * which is slower and exists as the cross-check (and for interventions that must see every pass).
 */
public final class Generator {
    private Generator() {
    }

    public static Generation withCache(DecoderModel model, long[] prompt, Sampling s, Hooks promptHooks) {
        return withCache(model, prompt, s, promptHooks, Hooks.none());
    }

    /**
     * As {@link #withCache(DecoderModel, long[], Sampling, Hooks)}, with {@code stepHooks} run on every generated
     * token's pass too. With the same hooks for both, a position-wise intervention (add a direction, ablate a neuron,
     * clamp an SAE feature) acts at every position, as it would if each step recomputed the whole sequence.
     */
    public static Generation withCache(DecoderModel model, long[] prompt, Sampling s, Hooks promptHooks,
                                       Hooks stepHooks) {
        return withCache(model, prompt, s, promptHooks, stepHooks, model::nextTokenLogits, 1f);
    }

    /**
     * One pass of generation: runs {@code ids} after what {@code cache} holds and returns the scores the next
     * token is picked from ({@link DecoderModel#nextTokenLogits} for plain decoding; DoLa contrasts layers here).
     */
    @FunctionalInterface
    public interface Pass {
        float[] next(NDManager m, long[] ids, KvCache cache, Hooks hooks);
    }

    /**
     * The general loop: each step's scores come from {@code pass}, then the repetition penalty (over the prompt
     * and what was generated so far, 1 = none) and then {@code s}'s temperature and top-p pick the token, in the
     * order transformers' logits processors run. {@link Generation#firstLogits()} is the first pass's scores
     * before the penalty.
     */
    public static Generation withCache(DecoderModel model, long[] prompt, Sampling s, Hooks promptHooks,
                                       Hooks stepHooks, Pass pass, float repetitionPenalty) {
        requirePrompt(prompt);
        RepetitionPenalty.require(repetitionPenalty);
        Random random = new Random(s.seed());
        long[] seq = Arrays.copyOf(prompt, prompt.length + s.maxTokens());
        int len = prompt.length;
        float[] first = null;
        try (NDManager m = NDManager.newBaseManager("PyTorch"); KvCache cache = model.newCache(m)) {
            float[] logits = pass.next(m, prompt, cache, promptHooks);
            first = logits;
            while (len - prompt.length < s.maxTokens()) {
                long next = s.pick(RepetitionPenalty.apply(logits, seq, len, repetitionPenalty), random);
                if (model.stopTokens().contains(next)) break;
                seq[len++] = next;
                if (len - prompt.length == s.maxTokens() || cache.length() >= model.config().contextLength()) break;
                logits = pass.next(m, new long[]{next}, cache, stepHooks);
            }
        }
        return finish(model, prompt, Arrays.copyOfRange(seq, prompt.length, len), first);
    }

    public static Generation recomputing(DecoderModel model, long[] prompt, Sampling s, Hooks everyPass) {
        requirePrompt(prompt);
        Random random = new Random(s.seed());
        long[] seq = Arrays.copyOf(prompt, prompt.length + s.maxTokens());
        int len = prompt.length;
        float[] first = null;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            while (len - prompt.length < s.maxTokens() || first == null) {
                float[] logits = model.nextTokenLogits(m, Arrays.copyOf(seq, len), null, everyPass);
                if (first == null) first = logits;
                if (len - prompt.length >= s.maxTokens()) break;
                long next = s.pick(logits, random);
                if (model.stopTokens().contains(next)) break;
                seq[len++] = next;
                if (len > model.config().contextLength()) break;
            }
        }
        return finish(model, prompt, Arrays.copyOfRange(seq, prompt.length, len), first);
    }

    private static Generation finish(DecoderModel model, long[] prompt, long[] generated, float[] first) {
        return new Generation(prompt, generated, model.tokenizer().decode(generated), first);
    }

    private static void requirePrompt(long[] prompt) {
        if (prompt.length == 0) throw new InvalidInputException("the prompt is empty (no tokens)");
    }

    /**
     * Tokenizes a prompt the way generation wants it (with BOS where the model has one). An empty prompt starts
     * from BOS alone, as llama2.c's {@code run} does (GPT-2: its {@code bos_token_id}, {@code <|endoftext|>}).
     */
    public static long[] promptIds(DecoderModel model, String prompt) {
        long[] ids = model.tokenizer().encode(prompt == null ? "" : prompt, true).ids();
        if (ids.length == 0) {
            long bos = model.bosId();
            if (bos < 0) {
                throw new InvalidInputException("the prompt is empty and model " + model.info().id()
                        + " has no BOS token to start from (no bos_token_id in its config): give a prompt");
            }
            ids = new long[]{bos};
        }
        if (ids.length > model.config().contextLength()) {
            throw new InvalidInputException("the prompt has " + ids.length + " tokens, more than the context "
                    + "length " + model.config().contextLength() + " of " + model.info().id());
        }
        return ids;
    }
}
