package lantern.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.decoder.Generator;
import lantern.api.generate.Sampling;
import lantern.subject.tokenize.HfTextTokenizer;
import lantern.train.BpeTrainer;
import lantern.train.DecoderTrainer;
import lantern.train.HfFolder;
import lantern.train.Llama2cExport;
import lantern.train.NgramBaselines;
import lantern.train.TrainCheckpoint;
import lantern.train.TrainConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code lantern train decoder}: fits a byte-level BPE on Brown's training files, trains a Llama decoder on them with
 * {@link DecoderTrainer}, checkpoints as it goes (a killed run started again continues where the last checkpoint
 * left off, bit for bit), scores the held-out files against unigram and Kneser–Ney trigram baselines, and writes a
 * Hugging Face folder {@code <data>/models/NAME} registered in {@code models.json}.
 *
 * <p>Work in progress lives in {@code <data>/train/NAME} (tokenizer, checkpoint); it is deleted once the model
 * folder is in place.
 */
public final class DecoderTrainingRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final List<String> SAMPLE_PROMPTS = List.of("The", "He said that", "In the morning",
            "The President of the United States");

    /**
     * @param minutes         training time budget (the step count is fixed from the speed of the first steps);
     *                        used when {@code tokens} is 0
     * @param tokens          training tokens (steps = tokens / (batch x context)); exact and reproducible
     * @param checkpointSteps checkpoint every this many steps (0: every {@code checkpointMinutes})
     * @param brownFiles      train and score on the first this many Brown files (0: all; fewer for tests)
     */
    public record Options(String name, TrainConfig config, double minutes, long tokens, double checkpointMinutes,
                          int checkpointSteps, boolean exportLlama2c, int sampleTokens, int brownFiles) {
    }

    /** Receives progress; {@link #onStep} may throw to stop the run (what a kill does, less abruptly). */
    public interface Listener {
        void note(String line);

        void onStep(long step, long total, DecoderTrainer.StepResult r, double tokensPerSecond, double etaSeconds);
    }

    public record HeldOut(long tokens, double perplexity, double unigramPerplexity, double trigramPerplexity) {
    }

    public record Result(Path dir, long params, long steps, double tokensPerSecond, HeldOut heldOut,
                         Map<String, String> samples, boolean resumed) {
    }

    private final Path dataDir;

    public DecoderTrainingRun(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Path modelDir(String name) {
        return dataDir.resolve("models").resolve(name);
    }

    public Path workDir(String name) {
        return dataDir.resolve("train").resolve(name);
    }

    /** The model folder exists and finished (its training.json is written last). */
    public boolean trained(String name) {
        return Files.isRegularFile(modelDir(name).resolve("training.json"));
    }

    public Result run(Options o, Listener listener) throws IOException {
        TrainConfig c = o.config();
        Path work = workDir(o.name());
        Files.createDirectories(work);
        BrownSplit split = BrownSplit.load(dataDir, o.brownFiles());
        Path tokJson = work.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokJson)) {
            listener.note(String.format("fitting a %,d-token byte-level BPE on %d Brown files", c.vocabSize(),
                    split.train().size()));
            BpeTrainer.writeTokenizerJson(BpeTrainer.train(split.train(), c.vocabSize()), tokJson);
        }
        int[] train;
        int[] held;
        try (HfTextTokenizer tok = HfTextTokenizer.load(tokJson, HfTextTokenizer.Options.DECODER)) {
            train = BrownSplit.stream(split.train(), tok);
            held = BrownSplit.stream(split.heldOut(), tok);
        }
        String dataHash = BrownSplit.sha256(train, held);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("config", c);
        settings.put("dataSha256", dataHash);
        settings.put("brownFiles", o.brownFiles());
        settings.put("tokenizerSha256", sha256(tokJson));
        settings.put("threads", DecoderTrainer.threads());
        String settingsJson = JSON.writeValueAsString(settings);
        listener.note(String.format("data: %,d training tokens (%d files), %,d held-out tokens (%d files), sha256 %s",
                train.length, split.trainIds().size(), held.length, split.heldOutIds().size(), dataHash.substring(0, 16)));

        Path ckpt = work.resolve("checkpoint.bin");
        DecoderTrainer trainer;
        List<Float> losses = new ArrayList<>();
        long total;
        boolean resumed = false;
        long perStep = (long) c.batch() * c.context();
        TrainCheckpoint.State s = readable(ckpt, listener);
        if (s != null && !s.settings().equals(settingsJson)) {
            throw new IllegalArgumentException("the checkpoint " + ckpt + " was made with other settings, data or "
                    + "threads; delete " + work + " to start over, or train under another --name");
        }
        DecoderTrainer restored = s == null ? null : restore(c, s, ckpt, listener);
        if (restored != null) {
            trainer = restored;
            for (float l : s.losses()) losses.add(l);
            total = s.totalSteps();
            resumed = true;
            listener.note(String.format("resuming from the checkpoint at step %,d of %,d", s.step(), total));
        } else {
            trainer = DecoderTrainer.fresh(c);
            total = o.tokens() > 0 ? Math.max(1, o.tokens() / perStep) : -1;
        }
        listener.note(String.format("model: %,d parameters (%d layers, d_model %d, %d heads, MLP %d, context %d, "
                        + "vocabulary %,d); %,d tokens per step", trainer.parameters().count(), c.layers(), c.dModel(),
                c.heads(), c.dMlp(), c.context(), c.vocabSize(), perStep));
        double trainSeconds = 0;
        long stepsTimed = 0;
        try (trainer) {
            long lastCkpt = System.nanoTime();
            long startStep = trainer.step();
            while (total < 0 || trainer.step() < total) {
                long step = trainer.step();
                long t0 = System.nanoTime();
                DecoderTrainer.StepResult r = trainer.train(batch(train, c, step), total < 0 ? Long.MAX_VALUE : total);
                double sec = (System.nanoTime() - t0) / 1e9;
                losses.add((float) r.loss());
                if (step > startStep) { // the first step warms the engine up
                    trainSeconds += sec;
                    stepsTimed++;
                }
                if (total < 0 && stepsTimed == 3) {
                    total = Math.max(trainer.step() + 1, (long) (o.minutes() * 60 / (trainSeconds / stepsTimed)));
                    listener.note(String.format("%.2f s per step: %,d steps (%,d tokens) fit %.1f minutes", trainSeconds
                            / stepsTimed, total, total * perStep, o.minutes()));
                }
                double tps = stepsTimed == 0 ? 0 : stepsTimed * perStep / trainSeconds;
                double eta = total < 0 || stepsTimed == 0 ? 0 : (total - trainer.step()) * trainSeconds / stepsTimed;
                boolean due = o.checkpointSteps() > 0 ? trainer.step() % o.checkpointSteps() == 0
                        : System.nanoTime() - lastCkpt > o.checkpointMinutes() * 60e9;
                if (total > 0 && (due || trainer.step() == total)) {
                    TrainCheckpoint.write(ckpt, trainer, settingsJson, total, toArray(losses));
                    lastCkpt = System.nanoTime();
                }
                listener.onStep(trainer.step(), total, r, tps, eta);
            }
            double tps = stepsTimed == 0 ? 0 : stepsTimed * perStep / trainSeconds;
            listener.note("scoring the held-out files");
            double[] nll = trainer.heldOutNll(held, 16);
            double[] base = new NgramBaselines(train, c.vocabSize()).heldOutNll(held, c.context());
            HeldOut h = new HeldOut((long) nll[1], Math.exp(nll[0] / nll[1]), Math.exp(base[0] / base[2]),
                    Math.exp(base[1] / base[2]));
            Path out = modelDir(o.name());
            Path tmp = out.resolveSibling("." + o.name() + ".tmp");
            deleteTree(tmp);
            HfFolder.write(tmp, trainer.parameters(), tokJson);
            Map<String, String> samples = samples(tmp, o.sampleTokens());
            if (o.exportLlama2c()) Llama2cExport.write(trainer.parameters(), tmp.resolve(o.name() + ".bin"), tokJson,
                    tmp.resolve("tokenizer.bin"));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("hyperparameters", c);
            info.put("seed", c.seed());
            info.put("threads", settings.get("threads"));
            info.put("parameters", trainer.parameters().count());
            info.put("steps", trainer.step());
            info.put("tokensPerStep", perStep);
            info.put("trainTokensSeen", trainer.step() * perStep);
            info.put("data", Map.of("corpus", "brown", "split", "by file: index % " + BrownSplit.HOLD_OUT_EVERY
                            + " == " + BrownSplit.HOLD_OUT_OFFSET + " held out", "heldOutFiles", split.heldOutIds(),
                    "trainTokens", train.length, "heldOutTokens", held.length, "sha256", dataHash));
            info.put("tokensPerSecond", tps);
            info.put("heldOut", h);
            info.put("samples", samples);
            info.put("losses", losses);
            JSON.writeValue(tmp.resolve("training.json.tmp").toFile(), info);
            Files.move(tmp.resolve("training.json.tmp"), tmp.resolve("training.json"), StandardCopyOption.ATOMIC_MOVE);
            deleteTree(out);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            new DecoderRegistry(dataDir).add(o.name(), out, null);
            deleteTree(work);
            return new Result(out, trainer.parameters().count(), trainer.step(), tps, h, samples, resumed);
        }
    }

    /**
     * The checkpoint's state, or null when there is none or it cannot be read (torn, damaged: its CRC fails), after
     * saying so on the notes: a checkpoint only saves time, the run starts over and replaces it at its first one.
     */
    private static TrainCheckpoint.State readable(Path ckpt, Listener listener) {
        if (!Files.isRegularFile(ckpt)) return null;
        try {
            return TrainCheckpoint.read(ckpt);
        } catch (IOException | RuntimeException e) {
            listener.note(unusable(ckpt, e));
            return null;
        }
    }

    /** A trainer continuing from {@code s}, or null (told to the notes) when its tensors do not fit the model. */
    private static DecoderTrainer restore(TrainConfig c, TrainCheckpoint.State s, Path ckpt, Listener listener) {
        try {
            return TrainCheckpoint.restore(c, s);
        } catch (RuntimeException e) {
            listener.note(unusable(ckpt, e));
            return null;
        }
    }

    private static String unusable(Path ckpt, Exception e) {
        return "starting fresh: the checkpoint " + ckpt + " cannot be used (" + (e.getMessage() != null
                ? e.getMessage() : e.getClass().getSimpleName()) + "); it is replaced at the first new checkpoint";
    }

    /** Step {@code step}'s batch: random windows of the training stream, from a generator seeded by (seed, step). */
    public static int[][] batch(int[] stream, TrainConfig c, long step) {
        Random r = new Random(c.seed() * 1_000_003L + step);
        int[][] rows = new int[c.batch()][];
        for (int i = 0; i < rows.length; i++) {
            int s = r.nextInt(stream.length - c.context() - 1);
            rows[i] = java.util.Arrays.copyOfRange(stream, s, s + c.context() + 1);
        }
        return rows;
    }

    /** Greedy continuations of {@link #SAMPLE_PROMPTS}, from the written folder through the ordinary loader. */
    private static Map<String, String> samples(Path dir, int tokens) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tokens <= 0) return out;
        try (DecoderModel m = DecoderModels.loadHf("trained", dir, null)) {
            int ctx = m.config().contextLength();
            for (String p : SAMPLE_PROMPTS) {
                long[] ids = m.tokenizer().encode(p, true).ids();
                if (ids.length > ctx / 2) continue; // tiny test models: no room to continue this prompt
                out.put(p, Generator.withCache(m, ids, Sampling.greedy(Math.min(tokens, ctx - ids.length)),
                        lantern.subject.Hooks.none()).text());
            }
        }
        return out;
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static String sha256(Path p) throws IOException {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
