package lantern.eval.selfreport;

import lantern.train.VerbalizerData;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.Verbalizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code lantern bench selfreport}: every self-report of one model's states scored by round trip on the same
 * held-out Brown examples, one row per (hook, method): the trained verbalizer; for a decoder's residual stream the
 * identity Patchscope, a SelfIE-style prompt ({@link SelfReports#selfie}) and the logit lens; and two anchors,
 * the true text (FVE 1 up to re-tokenization) and an
 * unrelated held-out text (another example's true text: FVE near or below 0).
 */
public final class SelfReportBench {
    private SelfReportBench() {
    }

    /** A hook read with a pooling. */
    public record Target(String hook, Pool pool) {
    }

    public record Row(String hook, String pool, String method, int n, double fve, double cosine, double tokenF1,
                      double seconds) {
    }

    /** A verbalized state beside its true text. */
    public record Sample(String hook, String trueText, String verbalized, double cosine) {
    }

    public record Result(String model, List<Row> rows, List<Sample> samples) {
    }

    public interface Listener {
        void row(Row row);
    }

    /**
     * @param verbalizers the verbalizer for a target, or null when none is trained
     * @param data        held-out examples for a target (states read at its hook and pooling)
     */
    public static Result run(HookedModel subject, List<Target> targets, Function<Target, Verbalizer> verbalizers,
                             Function<Target, VerbalizerData> data, int n, long seed, int samplesPerTarget,
                             Listener listener) {
        List<Row> rows = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (Target t : targets) {
            List<VerbalizerData.Example> ex = data.apply(t).heldOut(seed, n);
            List<float[]> states = ex.stream().map(VerbalizerData.Example::state).toList();
            List<String> truth = ex.stream().map(VerbalizerData.Example::text).toList();
            List<String> unrelated = new ArrayList<>(truth.subList(1, truth.size()));
            unrelated.add(truth.get(0));
            add(rows, listener, t, "true text", subject, states, truth, truth);
            add(rows, listener, t, "unrelated text", subject, states, unrelated, truth);
            Verbalizer v = verbalizers.apply(t);
            if (v != null) {
                long t0 = System.nanoTime();
                List<String> said = new ArrayList<>();
                for (float[] s : states) said.add(v.verbalize(s));
                RoundTrip.Score sc = add(rows, listener, t, "verbalizer", subject, states, said, truth, t0);
                for (int i = 0; i < Math.min(samplesPerTarget, said.size()); i++) {
                    samples.add(new Sample(t.hook(), truth.get(i), said.get(i), sc.items().get(i).cosine()));
                }
            }
            DecoderModel d = subject.languageModel().orElse(null);
            if (d != null && SelfReports.readsResidual(t.hook())) {
                int layer = StateReader.layer(t.hook(), d.config().layers());
                if (SelfReports.patchscopeFits(d)) {
                    long t0 = System.nanoTime();
                    List<String> ps = new ArrayList<>();
                    for (float[] s : states) ps.add(SelfReports.patchscope(d, layer, s));
                    add(rows, listener, t, "identity patchscope", subject, states, ps, truth, t0);
                }
                if (SelfReports.selfieFits(d)) {
                    long t0 = System.nanoTime();
                    List<String> se = new ArrayList<>();
                    for (float[] s : states) se.add(SelfReports.selfie(d, layer, s));
                    add(rows, listener, t, "SelfIE-style prompt", subject, states, se, truth, t0);
                }
                long t0 = System.nanoTime();
                List<String> lens = new ArrayList<>();
                for (float[] s : states) lens.add(SelfReports.lens(d, s));
                add(rows, listener, t, "logit lens (top-1)", subject, states, lens, truth, t0);
            }
        }
        return new Result(subject.info().id(), rows, samples);
    }

    private static void add(List<Row> rows, Listener l, Target t, String method, HookedModel subject,
                            List<float[]> states, List<String> said, List<String> truth) {
        add(rows, l, t, method, subject, states, said, truth, System.nanoTime());
    }

    private static RoundTrip.Score add(List<Row> rows, Listener l, Target t, String method, HookedModel subject,
                                       List<float[]> states, List<String> said, List<String> truth, long t0) {
        RoundTrip.Score s = RoundTrip.score(subject, t.hook(), t.pool(), states, said, truth);
        Row r = new Row(t.hook(), t.pool().id(), method, s.n(), s.fve(), s.meanCosine(), s.meanTokenF1(),
                (System.nanoTime() - t0) / 1e9);
        rows.add(r);
        if (l != null) l.row(r);
        return s;
    }
}
