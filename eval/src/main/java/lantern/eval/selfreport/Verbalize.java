package lantern.eval.selfreport;

import lantern.errors.InvalidInputException;
import lantern.subject.HookedModel;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.Positions;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;
import lantern.subject.selfreport.Verbalizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verbalize use case ({@code POST /api/verbalize}, {@code lantern verbalize}, the /verbalize page): read a state
 * of each text, let the verbalizer say what it holds, and score the saying by round trip ({@link RoundTrip}): the
 * cosine per text, FVE over a batch, token F1 against the true text; for a decoder's residual stream, the identity
 * Patchscope and the logit lens are read and scored beside it.
 */
public final class Verbalize {
    public static final int MAX_TEXTS = 64;

    private Verbalize() {
    }

    /**
     * @param position decoders: the token whose state is read (0 is BOS; negative counts from the end; default -1);
     *                 encoders take none (their states are pooled over the sentence)
     */
    public record Request(List<String> texts, Integer position, Pool pool) {
    }

    /** Another self-report of the same state, scored the same way. */
    public record Reading(String method, String text, double cosine, double tokenF1) {
    }

    /** One text: the state's true text (up to the position), what the verbalizer says, its scores, the others. */
    public record Item(String trueText, int position, String text, double cosine, double tokenF1,
                       List<Reading> others) {
    }

    /** {@code fve} over the batch (null for one text); {@code methods}: FVE per method over the batch. */
    public record Response(String model, String hook, String pool, String verbalizer, String text, double cosine,
                           double tokenF1, Double fve, List<Item> items, List<Reading> methods) {
    }

    public static Response run(HookedModel subject, String hook, Verbalizer verbalizer, Request r) {
        if (r.texts() == null || r.texts().isEmpty()) throw new InvalidInputException("\"text\" is required");
        if (r.texts().size() > MAX_TEXTS) throw new InvalidInputException("at most " + MAX_TEXTS + " texts");
        StateReader.requireHook(subject, hook);
        boolean decoder = subject.isDecoder();
        Pool pool = r.pool() != null ? r.pool() : Pool.defaultFor(decoder);
        if (decoder && pool != Pool.LAST) throw new InvalidInputException("decoder states are read at a token: "
                + "pool \"last\" (choose the token with \"position\")");
        if (!decoder && r.position() != null) throw new InvalidInputException("encoder states are read pooled over "
                + "the text (pool mean or embedding); \"position\" is for decoders");
        if (!verbalizer.spec().hook().equals(hook) || verbalizer.spec().poolMode() != pool) {
            throw new InvalidInputException("verbalizer reads " + verbalizer.spec().hook() + " pooled "
                    + verbalizer.spec().pool() + ", not " + hook + " pooled " + pool.id());
        }
        List<float[]> states = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (String t : r.texts()) {
            if (t == null || t.isBlank()) throw new InvalidInputException("the text is empty");
        }
        if (decoder) {
            int prefix = subject.frame().prefix().length;
            for (String t : r.texts()) {
                long[] ids = StateReader.ids(subject, t);
                int p = Positions.resolve(r.position() == null ? -1 : r.position(), ids.length, "token");
                if (p < prefix) throw new InvalidInputException("token position " + p + " is the BOS token; use "
                        + prefix + ".." + (ids.length - 1));
                states.add(StateReader.positions(subject, hook, ids)[p]);
                truth.add(subject.tokenizer().decode(Arrays.copyOfRange(ids, prefix, p + 1)));
                positions.add(p);
            }
        } else {
            states.addAll(List.of(StateReader.read(subject, hook, pool, r.texts())));
            truth.addAll(r.texts());
            for (int i = 0; i < r.texts().size(); i++) positions.add(-1);
        }
        List<String> said = new ArrayList<>();
        for (float[] s : states) said.add(verbalizer.verbalize(s));
        RoundTrip.Score main = RoundTrip.score(subject, hook, pool, states, said, truth);
        List<Reading> methods = new ArrayList<>();
        methods.add(new Reading("verbalizer", null, main.fve(), main.meanTokenF1()));
        List<RoundTrip.Score> others = new ArrayList<>();
        List<String> otherNames = new ArrayList<>();
        DecoderModel d = subject.languageModel().orElse(null);
        if (decoder && SelfReports.readsResidual(hook) && d != null) {
            int layer = StateReader.layer(hook, d.config().layers());
            List<String> ps = new ArrayList<>(), lens = new ArrayList<>();
            boolean patchscope = SelfReports.patchscopeFits(d);
            for (float[] s : states) {
                if (patchscope) ps.add(SelfReports.patchscope(d, layer, s));
                lens.add(SelfReports.lens(d, s));
            }
            if (patchscope) {
                others.add(RoundTrip.score(subject, hook, pool, states, ps, truth));
                otherNames.add("patchscope");
            }
            others.add(RoundTrip.score(subject, hook, pool, states, lens, truth));
            otherNames.add("logit-lens");
            for (int i = 0; i < others.size(); i++) {
                methods.add(new Reading(otherNames.get(i), null, others.get(i).fve(), others.get(i).meanTokenF1()));
            }
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            List<Reading> o = new ArrayList<>();
            for (int j = 0; j < others.size(); j++) {
                RoundTrip.Item it = others.get(j).items().get(i);
                o.add(new Reading(otherNames.get(j), it.reported(), it.cosine(), it.tokenF1()));
            }
            RoundTrip.Item it = main.items().get(i);
            items.add(new Item(truth.get(i), positions.get(i), it.reported(), it.cosine(), it.tokenF1(), o));
        }
        Item first = items.get(0);
        Double fve = items.size() < 2 || Double.isNaN(main.fve()) ? null : main.fve();
        return new Response(subject.info().id(), hook, pool.id(), verbalizer.decoder().info().id(), first.text(),
                first.cosine(), first.tokenF1(), fve, items, items.size() < 2 ? List.of() : methods);
    }
}
