package lantern.core;

import ai.djl.ndarray.NDManager;
import lantern.api.transcoder.TranscoderTrainRequest;
import lantern.subject.sae.SaeArchitecture;
import lantern.corpus.BrownCorpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.train.BrownSplit;
import lantern.subject.HookNames;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.HookActivationCollector;
import lantern.subject.sae.SaeLensFormat;
import lantern.train.SaeTrainer;
import lantern.train.SaeTrainingListener;
import lantern.train.SaeTrainingOptions;
import lantern.subject.sae.TokenActivations;
import lantern.subject.transcoder.Transcoder;
import lantern.subject.transcoder.TranscoderEvaluator;
import lantern.subject.transcoder.TranscoderFormat;
import lantern.subject.transcoder.TranscoderSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code lantern train transcoder}: per layer, collects the MLP's input ({@code mlp.hook_in}) and output
 * ({@code hook_mlp_out}) over Brown's training files, trains a transcoder with {@link SaeTrainer}, measures it on
 * the held-out files (the decoder trainer's split: every 20th file, {@link BrownSplit}) and saves it as a SAELens
 * folder {@code {data}/transcoders/{model}/{name}/{layer}}. Each layer is a checkpoint: its folder lands file by file
 * (temp file, rename; {@code cfg.json} last) with a {@code lantern_training.json} naming the options, and a run
 * started again with the same options skips the layers already done. The set's next-token losses (clean, every MLP
 * replaced, every MLP zero-ablated) go to {@code metrics.json} in the set folder.
 */
public final class TranscoderTraining {
    public static final String TRAINING = "lantern_training.json";
    public static final String METRICS = "metrics.json";

    public record Request(String name, List<Integer> layers, SaeTrainingOptions options, long tokens,
                          long heldOutTokens, int lossTexts) {
    }

    public interface Listener extends SaeTrainingListener {
        void collecting(int layer, String phase, long tokens, long total);

        void layerDone(LayerResult r);
    }

    public record LayerResult(int layer, Path dir, TranscoderEvaluator.Reconstruction heldOut, int steps,
                              double seconds, boolean resumed) {
    }

    public record Result(String model, String name, Path dir, List<LayerResult> layers, TranscoderEvaluator.NextToken loss) {
    }

    private final ModelSource models;
    private final Path dataDir;

    public TranscoderTraining(ModelSource models, Path dataDir) {
        this.models = models;
        this.dataDir = dataDir;
    }

    /** Trains (or resumes) every asked layer, measures the set's next-token loss and saves it. */
    public Result train(TranscoderTrainRequest r, Listener listener) throws IOException {
        SaeTrainingOptions opt = options(r);
        try {
            return models.withDecoder(Lenses.requireModel(r.model()), "transcoders", m -> {
                List<Integer> layers = r.layers() == null || r.layers().equals("all")
                        ? java.util.stream.IntStream.range(0, m.config().layers()).boxed().toList()
                        : LayerSpec.list(r.layers());
                try {
                    return train(m, dataDir, new Request(r.name(), layers, opt, r.tokens(), r.heldOutTokens(), r.lossTexts()),
                            listener);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The trainer's options a request gives: TopK (k > 0) or ReLU + L1; JumpReLU loads but is not trained here. */
    static SaeTrainingOptions options(TranscoderTrainRequest r) {
        String act = activationName(r);
        SaeArchitecture arch = switch (act) {
            case "topk" -> SaeArchitecture.TOPK;
            case "relu" -> SaeArchitecture.STANDARD;
            case "jumprelu" -> throw new lantern.errors.InvalidInputException("JumpReLU transcoders load (SAELens' jumprelu_transcoder)"
                    + " but are not trained here: use --activation topk or relu");
            default -> throw new lantern.errors.InvalidInputException("--activation must be topk or relu, got " + r.activation());
        };
        if (arch == SaeArchitecture.TOPK && r.k() <= 0) throw new lantern.errors.InvalidInputException("TopK needs --k > 0");
        return new SaeTrainingOptions(arch, r.features(), arch == SaeArchitecture.TOPK ? r.k() : 0, r.l1(), r.lr(),
                r.batchSize(), r.epochs(), 100_000, 100, r.seed());
    }

    /** "topk" or "relu" as the request gives or implies it. */
    public static String activationName(TranscoderTrainRequest r) {
        return r.activation() == null ? (r.k() > 0 ? "topk" : "relu") : r.activation().toLowerCase(java.util.Locale.ROOT);
    }

    Result train(DecoderModel model, Path dataDir, Request r, Listener listener) throws IOException {
        String id = model.info().id();
        for (int l : r.layers()) model.requireLayer(l);
        if (r.tokens() < r.options().batchSize()) {
            throw new lantern.errors.InvalidInputException("train on at least one batch (" + r.options().batchSize() + " tokens)");
        }
        Path setDir = TranscoderSet.dir(dataDir, id, r.name());
        Map<String, Object> plan = plan(r);
        List<String>[] text = texts(dataDir, r.options().seed());
        List<LayerResult> results = new ArrayList<>();
        HookActivationCollector collector = new HookActivationCollector(model);
        for (int layer : r.layers()) {
            Path dir = TranscoderSet.layerDir(dataDir, id, r.name(), layer);
            LayerResult done = finished(dir, plan, layer);
            if (done != null) {
                results.add(done);
                listener.layerDone(done);
                continue;
            }
            try (NDManager nd = model.manager().newSubManager()) {
                TokenActivations in = collect(collector, layer, HookNames.mlpIn(layer), "collect in", text[0], r.tokens(), nd, listener);
                TokenActivations out = collect(collector, layer, HookNames.mlpOut(layer), "collect out", text[0], r.tokens(), nd, listener);
                SaeTrainer.TranscoderResult t = new SaeTrainer(r.options(), listener).trainTranscoder(in, out, nd);
                in.data().close();
                out.data().close();
                TokenActivations hin = collect(collector, layer, HookNames.mlpIn(layer), "held-out in", text[1], r.heldOutTokens(), nd, listener);
                TokenActivations hout = collect(collector, layer, HookNames.mlpOut(layer), "held-out out", text[1], r.heldOutTokens(), nd, listener);
                try (Transcoder tc = Transcoder.of(id, layer, model.config().dModel(), r.options().features(),
                        r.options().architecture(), r.options().k(), t.weights(), nd)) {
                    TranscoderEvaluator.Reconstruction rec = TranscoderEvaluator.reconstruction(tc, hin, hout);
                    Files.deleteIfExists(dir.resolve(SaeLensFormat.CFG)); // incomplete until the new cfg.json lands
                    Map<String, Object> notes = new LinkedHashMap<>(plan);
                    notes.put("held_out", rec);
                    notes.put("steps", t.steps());
                    notes.put("tokens_seen", t.tokensSeen());
                    notes.put("resampled", t.resampled());
                    notes.put("seconds", t.seconds());
                    notes.put("data", "Brown sentences after the model's BOS; training files as the decoder trainer's"
                            + " split (every 20th file held out); BOS rows dropped");
                    Files.createDirectories(dir);
                    SaeLensFormat.writeJson(dir.resolve(TRAINING), notes);
                    TranscoderFormat.save(tc, dir);
                    LayerResult lr = new LayerResult(layer, dir, rec, t.steps(), t.seconds(), false);
                    results.add(lr);
                    listener.layerDone(lr);
                }
            }
        }
        TranscoderEvaluator.NextToken loss;
        try (NDManager nd = model.manager().newSubManager();
             TranscoderSet set = TranscoderSet.load(dataDir, id, r.name(), nd)) {
            List<String> lossTexts = text[1].stream().filter(s -> s.length() > 20).limit(r.lossTexts()).toList();
            loss = TranscoderEvaluator.nextToken(model, set, lossTexts);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", id);
        metrics.put("name", r.name());
        metrics.put("layers", results);
        metrics.put("next_token_loss", Map.of("texts", loss.texts(), "predictions", loss.predictions(),
                "clean", loss.clean(), "transcoders", loss.replaced(), "mlp_zero_ablated", loss.zeroAblated(),
                "loss_recovered", loss.lossRecovered(), "layers_replaced", TranscoderSet.storedLayers(dataDir, id, r.name())));
        SaeLensFormat.writeJson(setDir.resolve(METRICS), metrics);
        return new Result(id, r.name(), setDir, results, loss);
    }

    private static Map<String, Object> plan(Request r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("options", r.options());
        p.put("tokens", r.tokens());
        p.put("held_out_tokens", r.heldOutTokens());
        return p;
    }

    /** The layer's result when its folder is complete and was trained with the same options; else null. */
    private static LayerResult finished(Path dir, Map<String, Object> plan, int layer) {
        Path notes = dir.resolve(TRAINING);
        if (!Files.isRegularFile(dir.resolve(SaeLensFormat.CFG)) || !Files.isRegularFile(notes)) return null;
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var have = json.readTree(notes.toFile());
            // through text, so a float option (1e-3f) compares equal to the double it reads back as
            var want = json.readTree(json.writeValueAsString(plan));
            for (var it = want.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.equals("options") ? !sameOptions(want.get(f), have.get(f)) : !want.get(f).equals(have.get(f))) return null;
            }
            var h = have.path("held_out");
            var rec = new TranscoderEvaluator.Reconstruction(h.path("tokens").asLong(), h.path("explainedVariance").asDouble(),
                    h.path("l0").asDouble(), h.path("dead").asInt(), h.path("deadFraction").asDouble());
            return new LayerResult(layer, dir, rec, have.path("steps").asInt(), have.path("seconds").asDouble(), true);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Options equal field by field; a field the stored notes lack (written before that option existed) matches when the
     * option is not in effect: Matryoshka widths left empty, or a BatchTopK threshold rate for another architecture.
     */
    static boolean sameOptions(com.fasterxml.jackson.databind.JsonNode want, com.fasterxml.jackson.databind.JsonNode have) {
        if (have == null || !have.isObject()) return false;
        boolean batchTopK = want.path("architecture").asText().equals("BATCHTOPK")
                || want.path("architecture").asText().equals("MATRYOSHKA");
        for (var it = want.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            var w = want.get(f);
            if (!have.has(f)) {
                boolean unused = (w.isArray() && w.isEmpty()) || (f.equals("thresholdLr") && !batchTopK);
                if (unused) continue;
                return false;
            }
            if (!w.equals(have.get(f))) return false;
        }
        return true;
    }

    /** Training and held-out sentences: Brown files split as the decoder trainer splits them; documents shuffled. */
    @SuppressWarnings("unchecked")
    static List<String>[] texts(Path dataDir, long seed) {
        BrownCorpus corpus = new BrownCorpus(dataDir.resolve("corpora").resolve("brown"));
        List<Path> files = corpus.files();
        List<Document> train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Document d = BrownCorpus.read(files.get(i));
            (i % BrownSplit.HOLD_OUT_EVERY == BrownSplit.HOLD_OUT_OFFSET ? held : train).add(d);
        }
        Collections.shuffle(train, new Random(seed));
        Collections.shuffle(held, new Random(seed + 1));
        return new List[]{sentences(train), sentences(held)};
    }

    private static List<String> sentences(List<Document> docs) {
        List<String> out = new ArrayList<>();
        for (Document d : docs) for (Sentence s : d.sentences()) out.add(s.text().text());
        return out;
    }

    private static TokenActivations collect(HookActivationCollector c, int layer, String hook, String phase,
                                            List<String> texts, long max, NDManager nd, Listener listener) {
        listener.collecting(layer, phase, 0, max);
        return c.collect(hook, texts, max, nd, n -> listener.collecting(layer, phase, Math.min(n, max), max));
    }
}
