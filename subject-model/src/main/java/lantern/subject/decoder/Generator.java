package lantern.subject.decoder;

import lantern.errors.BadRequestException;

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
        requirePrompt(prompt);
        Random random = new Random(s.seed());
        long[] out = new long[s.maxTokens()];
        int n = 0;
        float[] first = null;
        try (NDManager m = NDManager.newBaseManager("PyTorch"); KvCache cache = model.newCache(m)) {
            float[] logits = model.nextTokenLogits(m, prompt, cache, promptHooks);
            first = logits;
            while (n < s.maxTokens()) {
                long next = s.pick(logits, random);
                if (model.stopTokens().contains(next)) break;
                out[n++] = next;
                if (n == s.maxTokens() || cache.length() >= model.config().contextLength()) break;
                logits = model.nextTokenLogits(m, new long[]{next}, cache, Hooks.none());
            }
        }
        return finish(model, prompt, Arrays.copyOf(out, n), first);
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
                everyPass.clearCache();
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
        if (prompt.length == 0) throw new BadRequestException("the prompt is empty (no tokens)");
    }

    /** Tokenizes a prompt the way generation wants it (with BOS where the model has one). */
    public static long[] promptIds(DecoderModel model, String prompt) {
        if (prompt == null || prompt.isEmpty()) throw new BadRequestException("the prompt is empty");
        long[] ids = model.tokenizer().encode(prompt, true).ids();
        if (ids.length > model.config().contextLength()) {
            throw new BadRequestException("the prompt has " + ids.length + " tokens, more than the context "
                    + "length " + model.config().contextLength() + " of " + model.info().id());
        }
        return ids;
    }
}
