package lantern.subject.transcoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.TokenActivations;

import java.util.List;

/** Held-out measures of transcoders: reconstruction of the MLP output, sparsity, and next-token loss spliced in. */
public final class TranscoderEvaluator {
    private TranscoderEvaluator() {
    }

    /**
     * @param explainedVariance 1 − Σ‖y − ŷ‖² / Σ‖y − ȳ‖² of the MLP output y
     * @param l0                mean active features per token
     * @param deadFraction      features that never fired on these tokens, as a fraction of all
     */
    public record Reconstruction(long tokens, double explainedVariance, double l0, int dead, double deadFraction) {
    }

    /**
     * Mean next-token cross-entropy (nats) clean, with every MLP of the set's layers replaced by its transcoder, and
     * with those MLPs zero-ablated.
     */
    public record NextToken(int texts, long predictions, double clean, double replaced, double zeroAblated) {
        /** (zero − replaced) / (zero − clean): 1 when the transcoders lose nothing. */
        public double lossRecovered() {
            return zeroAblated == clean ? Double.NaN : (zeroAblated - replaced) / (zeroAblated - clean);
        }
    }

    public static Reconstruction reconstruction(Transcoder t, TokenActivations in, TokenActivations out) {
        try (NDManager m = in.data().getManager().newSubManager()) {
            long n = in.tokens();
            double sse = 0, sst = 0, active = 0;
            boolean[] fired = new boolean[t.features()];
            int chunk = 4096;
            NDArray mean = out.data().mean(new int[]{0});
            mean.attach(m);
            for (long s = 0; s < n; s += chunk) {
                try (NDManager c = m.newSubManager()) {
                    long e = Math.min(n, s + chunk);
                    NDArray x = in.data().get(s + ":" + e);
                    NDArray y = out.data().get(s + ":" + e);
                    x.attach(c);
                    y.attach(c);
                    NDArray f = t.encode(x);
                    NDArray yHat = t.decode(f);
                    sse += y.sub(yHat).square().sum().getFloat();
                    sst += y.sub(mean).square().sum().getFloat();
                    NDArray on = f.gt(0f);
                    active += on.toType(DataType.FLOAT32, false).sum().getFloat();
                    boolean[] any = on.toType(DataType.FLOAT32, false).sum(new int[]{0}).gt(0f).toBooleanArray();
                    for (int i = 0; i < any.length; i++) fired[i] |= any[i];
                }
            }
            int dead = 0;
            for (boolean b : fired) if (!b) dead++;
            return new Reconstruction(n, 1 - sse / sst, active / n, dead, (double) dead / t.features());
        }
    }

    /** Hooks that replace each MLP output of the set's layers by its transcoder's prediction from the MLP input. */
    public static Hooks spliced(TranscoderSet set) {
        Hooks h = Hooks.none();
        for (int l : set.layers()) {
            Transcoder t = set.layer(l);
            NDArray[] input = new NDArray[1];
            h.replace(HookNames.mlpIn(l), a -> {
                input[0] = a;
                return a;
            });
            h.replace(HookNames.mlpOut(l), a -> t.predict(input[0]));
        }
        return h;
    }

    public static NextToken nextToken(DecoderModel model, TranscoderSet set, List<String> texts) {
        double[] sums = new double[3];
        long predictions = 0;
        int used = 0;
        long[] prefix = model.frame().prefix();
        for (String text : texts) {
            long[] body = model.tokenizer().encode(text, false).ids();
            long[] ids = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
            System.arraycopy(body, 0, ids, prefix.length, body.length);
            if (ids.length < 2 || ids.length > model.info().contextLength()) continue;
            used++;
            predictions += ids.length - 1;
            Hooks zero = Hooks.none();
            for (int l : set.layers()) zero.replace(HookNames.mlpOut(l), NDArray::zerosLike);
            Hooks[] variants = {Hooks.none(), spliced(set), zero};
            for (int v = 0; v < variants.length; v++) sums[v] += crossEntropySum(model, ids, variants[v]);
        }
        if (predictions == 0) throw new IllegalArgumentException("no text of at least two tokens to measure the loss on");
        return new NextToken(used, predictions, sums[0] / predictions, sums[1] / predictions, sums[2] / predictions);
    }

    /** Σ −log p(ids[i+1] | ids[..i]) over one sequence. */
    static double crossEntropySum(DecoderModel model, long[] ids, Hooks hooks) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray out = model.run(m, new long[][]{ids}, new int[]{ids.length}, hooks).output();
            NDArray logp = model.logits(out.get(0)).logSoftmax(-1);
            float[] lp = logp.toFloatArray();
            int vocab = (int) logp.getShape().get(1);
            double s = 0;
            for (int i = 0; i + 1 < ids.length; i++) s -= lp[i * vocab + (int) ids[i + 1]];
            return s;
        }
    }
}
