package lantern.explainer.selfreport;

import lantern.errors.NotFoundException;
import lantern.collect.FeatureId;
import lantern.explainer.explain.Explainer;
import lantern.train.VerbalizerData;
import lantern.subject.HookedModel;
import lantern.subject.sae.SaeStore;
import lantern.subject.selfreport.FeatureDirection;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.Verbalizers;
import lantern.subject.transcoder.TranscoderFeatures;
import lantern.subject.transcoder.TranscoderStore;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link VerbalizerExplainer} of each feature of one decoder subject (neurons, SAE and transcoder features):
 * finds the feature's output direction
 * ({@link FeatureDirection}), the verbalizer trained here that reads its hook ({@code lantern train verbalizer}), and
 * the hook's anchor (mean and spread of {@value #ANCHOR_STATES} held-out Brown states, the verbalizer's own held-out
 * windows). Verbalizers and anchors are loaded once and kept until {@link #close}. Thread-safe.
 */
public final class VerbalizerExplainers implements AutoCloseable {
    public static final int ANCHOR_STATES = 256;
    private static final long ANCHOR_SEED = 1;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Path dataDir;
    private final HookedModel subject;
    private final Supplier<SaeStore> saes;
    private final Supplier<TranscoderStore> transcoders;
    private final Map<String, Verbalizer> verbalizers = new HashMap<>();
    private final Map<String, VerbalizerExplainer.Anchor> anchors = new HashMap<>();

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

    /** The anchor of a hook (computed on first use). */
    public synchronized VerbalizerExplainer.Anchor anchor(String hook) {
        Verbalizer v = verbalizer(hook);
        return anchor(hook, v);
    }

    private Verbalizer verbalizer(String hook) {
        String model = subject.info().id();
        String name = Verbalizers.find(dataDir, model, hook, Pool.LAST, true).orElseThrow(() -> new NotFoundException(
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
