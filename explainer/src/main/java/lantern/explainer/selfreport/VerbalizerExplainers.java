package lantern.explainer.selfreport;

import lantern.errors.InvalidInputException;
import lantern.errors.NotFoundException;
import lantern.api.FeatureId;
import lantern.explainer.explain.Explainer;
import lantern.train.VerbalizerData;
import lantern.subject.EncoderModel;
import lantern.subject.HookedModel;
import lantern.subject.sae.SaeStore;
import lantern.subject.selfreport.EncoderFeatureState;
import lantern.subject.selfreport.FeatureDirection;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.Verbalizers;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderStore;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link VerbalizerExplainer} of each feature of one subject (neurons, SAE and transcoder features). A decoder:
 * finds the feature's output direction ({@link FeatureDirection}), the verbalizer trained here that reads its hook
 * ({@code lantern train verbalizer}), and the hook's anchor (mean and spread of {@value #ANCHOR_STATES} held-out
 * Brown states, the verbalizer's own held-out windows). An encoder (MiniLM): {@link EncoderFeatureState} (the
 * direction written where the feature writes it, carried through BERT's post-block LayerNorm by the encoder itself)
 * and the mean-pooled verbalizer of that layer's {@code resid_post}. Verbalizers and anchors are loaded once and kept
 * until {@link #close}. Thread-safe.
 */
public final class VerbalizerExplainers implements AutoCloseable {
    public static final int ANCHOR_STATES = 256;
    /** Neutral sentences an encoder feature's direction is added to (each costs two encoder passes per feature). */
    public static final int ENCODER_ANCHOR_SENTENCES = 64;
    private static final long ANCHOR_SEED = 1;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Path dataDir;
    private final HookedModel subject;
    private final Supplier<SaeStore> saes;
    private final Supplier<TranscoderStore> transcoders;
    private final Map<String, Verbalizer> verbalizers = new HashMap<>();
    private final Map<String, VerbalizerExplainer.Anchor> anchors = new HashMap<>();
    private final Map<String, List<String>> sentences = new HashMap<>();
    private final Map<String, Double> spreads = new HashMap<>();

    public VerbalizerExplainers(Path dataDir, HookedModel subject, Supplier<SaeStore> saes) {
        this(dataDir, subject, saes, () -> null);
    }

    /** @param transcoders where transcoder features ({@code tc-NAME}) find their transcoder */
    public VerbalizerExplainers(Path dataDir, HookedModel subject, Supplier<SaeStore> saes,
                                Supplier<TranscoderStore> transcoders) {
        this.dataDir = dataDir;
        this.subject = subject;
        this.saes = saes;
        this.transcoders = transcoders;
    }

    public Explainer forFeature(FeatureId id) {
        if (!id.model().equals(subject.info().id())) {
            throw new IllegalArgumentException("feature " + id + " is not of " + subject.info().id());
        }
        boolean tc = TranscoderFeatures.isKind(id.kind());
        if (!subject.isDecoder()) return forEncoderFeature(id, tc);
        FeatureDirection d = FeatureDirection.of(subject, id.isNeuron() || tc ? null : saes.get(),
                tc ? transcoders.get() : null, id.layer(), id.kind(), id.index());
        Verbalizer v;
        VerbalizerExplainer.Anchor a;
        synchronized (this) {
            v = verbalizer(d.hook());
            a = anchor(d.hook(), v);
        }
        return new VerbalizerExplainer(v, a.state(d.vector()), id.toString());
    }

    /**
     * An encoder's feature ({@link EncoderFeatureState}): its direction written where the feature writes it, carried
     * through the block's LayerNorm by the encoder itself, read mean-pooled at {@code resid_post} over
     * {@value #ENCODER_ANCHOR_SENTENCES} of the verbalizer's held-out sentences, verbalized by the verbalizer of that
     * hook; the label's rule is the encoder's own word pieces of what it writes.
     */
    private Explainer forEncoderFeature(FeatureId id, boolean tc) {
        EncoderModel encoder = subject.sentenceEmbedder().orElseThrow(() -> new InvalidInputException(
                subject.info().id() + " is neither a decoder nor a sentence encoder: no direction to verbalize"));
        EncoderFeatureState.Write w = EncoderFeatureState.of(encoder, id.isNeuron() || tc ? null : saes.get(),
                tc ? transcoders.get() : null, id.layer(), id.kind(), id.index());
        Verbalizer v;
        List<String> texts;
        double spread;
        synchronized (this) {
            v = verbalizer(w.readHook(), Pool.MEAN, false);
            texts = sentences.computeIfAbsent(w.readHook(), h -> anchorSentences(v));
            spread = spreads.computeIfAbsent(w.hook(), h -> EncoderFeatureState.spread(encoder, h, texts));
        }
        float[] state = EncoderFeatureState.state(encoder, w, Pool.MEAN, texts, spread).state();
        return new VerbalizerExplainer(v, state, id.toString(), subject.tokenizer());
    }

    /** The first {@value #ENCODER_ANCHOR_SENTENCES} of the verbalizer's held-out sentences (as it was trained). */
    private List<String> anchorSentences(Verbalizer v) {
        List<String> held = VerbalizerData.Sentences.heldOut(v.decoder().tokenizer(), dataDir, brownFiles(v),
                v.spec().maxTokens());
        return List.copyOf(held.subList(0, Math.min(ENCODER_ANCHOR_SENTENCES, held.size())));
    }

    /** The anchor of a hook (computed on first use). */
    public synchronized VerbalizerExplainer.Anchor anchor(String hook) {
        Verbalizer v = verbalizer(hook);
        return anchor(hook, v);
    }

    private Verbalizer verbalizer(String hook) {
        return verbalizer(hook, Pool.LAST, true);
    }

    private Verbalizer verbalizer(String hook, Pool pool, boolean decoder) {
        String model = subject.info().id();
        String name = Verbalizers.find(dataDir, model, hook, pool, decoder).orElseThrow(() -> new NotFoundException(
                "no verbalizer reads " + hook + " of " + model + ": train one with lantern train verbalizer --model "
                        + model + " --hook " + hook));
        return verbalizers.computeIfAbsent(name, n -> Verbalizer.load(n, Verbalizers.folder(n, dataDir)));
    }

    /** The verbalizer's own held-out windows: of the Brown files it was trained on ({@code training.json}). */
    private VerbalizerExplainer.Anchor anchor(String hook, Verbalizer v) {
        return anchors.computeIfAbsent(hook, h -> VerbalizerExplainer.Anchor.of(VerbalizerData
                .decoderWindows(subject, h, dataDir, brownFiles(v), v.spec().maxTokens())
                .heldOut(ANCHOR_SEED, ANCHOR_STATES).stream().map(VerbalizerData.Example::state).toList()));
    }

    private Path folderOf(Verbalizer v) {
        return verbalizers.entrySet().stream().filter(e -> e.getValue() == v).findFirst()
                .map(e -> Verbalizers.folder(e.getKey(), dataDir)).orElseThrow();
    }

    private int brownFiles(Verbalizer v) {
        try {
            var node = JSON.readTree(folderOf(v).resolve("training.json").toFile()).get("brownFiles");
            return node == null ? 0 : node.asInt();
        } catch (java.io.IOException e) {
            return 0;  // a verbalizer without its training notes: anchor on all of Brown's held-out files
        }
    }

    @Override
    public synchronized void close() {
        verbalizers.values().forEach(Verbalizer::close);
        verbalizers.clear();
    }
}
