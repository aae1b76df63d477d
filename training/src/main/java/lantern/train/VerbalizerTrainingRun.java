package lantern.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.DecoderRegistry;
import lantern.subject.selfreport.Verbalizer;
import lantern.subject.selfreport.VerbalizerSpec;
import lantern.train.DecoderTrainer;
import lantern.train.HfFolder;
import lantern.train.ModelParameters;
import lantern.train.TrainCheckpoint;
import lantern.train.VerbalizerTrainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lantern train verbalizer}: trains a {@link VerbalizerTrainer} on {@link VerbalizerData} (Brown, held out by
 * file), checkpoints as {@code train decoder} does (a killed run started again continues bit for bit from its last
 * checkpoint), and writes an HF folder {@code <data>/models/NAME} plus the map and {@code verbalizer.json},
 * registered in {@code models.json}. Work in progress lives in {@code <data>/train/NAME}.
 */
public final class VerbalizerTrainingRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param base            the HF folder of the decoder the verbalizer starts from (a copy of the subject for a
     *                        decoder subject)
     * @param minutes         time budget (the step count is fixed from the speed of the first steps); used when
     *                        {@code steps} is 0
     * @param checkpointSteps checkpoint every this many steps (0: every {@code checkpointMinutes})
     * @param brownFiles      the first this many Brown files (0: all)
     */
    public record Options(String name, VerbalizerSpec spec, Path base, VerbalizerTrainer.Config config,
                          double minutes, long steps, double checkpointMinutes, int checkpointSteps, int brownFiles,
                          int heldOut) {
    }

    public record Result(Path dir, long steps, double seconds, double firstLoss, double heldOutLoss,
                         boolean resumed) {
    }

    private final Path dataDir;

    public VerbalizerTrainingRun(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Path modelDir(String name) {
        return dataDir.resolve("models").resolve(name);
    }

    public Path workDir(String name) {
        return dataDir.resolve("train").resolve(name);
    }

    public boolean trained(String name) {
        return Files.isRegularFile(modelDir(name).resolve("training.json"));
    }

    public Result run(Options o, VerbalizerData data, DecoderTrainingRun.Listener listener) throws IOException {
        VerbalizerTrainer.Config c = o.config();
        Path work = workDir(o.name());
        Files.createDirectories(work);
        ModelParameters params;
        long bos;
        long eos;
        try (DecoderModel base = DecoderModels.loadHf("verbalizer-base", o.base(), null)) {
            params = ModelParameters.copyOf(base.config(), base.weights());
            bos = base.bosId();
            eos = base.stopTokens().isEmpty() ? bos : base.stopTokens().stream().min(Long::compare).orElseThrow();
        }
        if (bos < 0) throw new IllegalArgumentException("the verbalizer's decoder " + o.base() + " has no BOS token");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("spec", o.spec());
        settings.put("config", c);
        settings.put("base", o.base().toAbsolutePath().normalize().toString());
        settings.put("baseSha256", sha256(o.base().resolve("model.safetensors")));
        settings.put("brownFiles", o.brownFiles());
        settings.put("threads", DecoderTrainer.threads());
        // What the run computes its data with, and the data itself: a resume must see the very states the killed
        // run saw (the decoder trainer hashes its token stream; a verbalizer's data are the subject's states,
        // computed here, so they are hashed here), and MKL's kernel path (AVX-512 through MklDispatch, or AVX2)
        // changes their last bits and the trainer's.
        settings.put("mkl", lantern.subject.MklDispatch.ensure().name());
        List<VerbalizerData.Example> heldOut = data.heldOut(c.seed(), o.heldOut());
        settings.put("dataSha256", dataSha256(heldOut));
        String settingsJson = JSON.writeValueAsString(settings);
        listener.note("data: " + data.describe());

        Path ckpt = work.resolve("checkpoint.bin");
        List<Float> losses = new ArrayList<>();
        boolean resumed = false;
        long total;
        try (VerbalizerTrainer trainer = new VerbalizerTrainer(c, params, bos, eos)) {
            TrainCheckpoint.State s = readable(ckpt, listener);
            if (s != null && !s.settings().equals(settingsJson)) {
                throw new IllegalArgumentException("the checkpoint " + ckpt + " was made with other settings, data or "
                        + "threads; delete " + work + " to start over, or train under another --name");
            }
            if (s != null) {
                trainer.restore(s);
                for (float l : s.losses()) losses.add(l);
                total = s.totalSteps();
                resumed = true;
                listener.note(String.format("resuming from the checkpoint at step %,d of %,d", s.step(), total));
            } else {
                total = o.steps() > 0 ? o.steps() : -1;
            }
            listener.note(String.format("verbalizer: %,d decoder parameters + a %d -> %d x %d map; batch %d",
                    params.count(), c.inputWidth(), c.softTokens(), params.config().dModel(), c.batch()));
            double seconds = 0;
            long timed = 0;
            long start = trainer.step();
            long lastCkpt = System.nanoTime();
            while (total < 0 || trainer.step() < total) {
                long step = trainer.step();
                long t0 = System.nanoTime();
                List<VerbalizerData.Example> batch = data.batch(c.seed(), step, c.batch());
                DecoderTrainer.StepResult r = trainer.train(states(batch), targets(batch),
                        total < 0 ? Long.MAX_VALUE : total);
                double sec = (System.nanoTime() - t0) / 1e9;
                losses.add((float) r.loss());
                if (step > start) {
                    seconds += sec;
                    timed++;
                }
                if (total < 0 && timed == 3) {
                    total = Math.max(trainer.step() + 1, (long) (o.minutes() * 60 / (seconds / timed)));
                    listener.note(String.format("%.3f s per step: %,d steps fit %.1f minutes", seconds / timed,
                            total, o.minutes()));
                }
                double eps = timed == 0 ? 0 : timed * c.batch() / seconds;
                double eta = total < 0 || timed == 0 ? 0 : (total - trainer.step()) * seconds / timed;
                boolean due = o.checkpointSteps() > 0 ? trainer.step() % o.checkpointSteps() == 0
                        : System.nanoTime() - lastCkpt > o.checkpointMinutes() * 60e9;
                if (total > 0 && (due || trainer.step() == total)) {
                    TrainCheckpoint.write(ckpt, trainer.tensors(), trainer.optimizer(), trainer.step(), settingsJson,
                            total, toArray(losses));
                    lastCkpt = System.nanoTime();
                }
                listener.onStep(trainer.step(), total, r, eps, eta);
            }
            listener.note("scoring " + o.heldOut() + " held-out examples");
            double held = heldOutLoss(trainer, heldOut, c.batch());
            Path out = modelDir(o.name());
            Path tmp = out.resolveSibling("." + o.name() + ".tmp");
            DecoderTrainingRun.deleteTree(tmp);
            HfFolder.write(tmp, trainer.decoder(), o.base().resolve("tokenizer.json"));
            Verbalizer.writeMap(tmp, o.spec(), trainer.mapWeight(), trainer.mapBias(), params.config().dModel());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("spec", o.spec());
            info.put("config", c);
            info.put("base", settings.get("base"));
            info.put("threads", settings.get("threads"));
            info.put("steps", trainer.step());
            info.put("examplesSeen", trainer.step() * c.batch());
            info.put("trainSeconds", seconds);
            info.put("data", Map.of("corpus", "brown", "split", "by file: index % " + BrownSplit.HOLD_OUT_EVERY
                    + " == " + BrownSplit.HOLD_OUT_OFFSET + " held out", "describe", data.describe()));
            info.put("brownFiles", o.brownFiles());
            info.put("heldOutLoss", held);
            info.put("losses", losses);
            JSON.writeValue(tmp.resolve("training.json.tmp").toFile(), info);
            Files.move(tmp.resolve("training.json.tmp"), tmp.resolve("training.json"), StandardCopyOption.ATOMIC_MOVE);
            DecoderTrainingRun.deleteTree(out);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            new DecoderRegistry(dataDir).add(o.name(), out, null);
            DecoderTrainingRun.deleteTree(work);
            return new Result(out, trainer.step(), seconds, losses.isEmpty() ? Double.NaN : losses.get(0), held,
                    resumed);
        }
    }

    /** Mean target cross-entropy over held-out examples, in batches. */
    static double heldOutLoss(VerbalizerTrainer t, List<VerbalizerData.Example> examples, int batch) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < examples.size(); i += batch) {
            List<VerbalizerData.Example> part = examples.subList(i, Math.min(examples.size(), i + batch));
            sum += t.evalLoss(states(part), targets(part)) * part.size();
            n += part.size();
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static float[][] states(List<VerbalizerData.Example> b) {
        return b.stream().map(VerbalizerData.Example::state).toArray(float[][]::new);
    }

    static int[][] targets(List<VerbalizerData.Example> b) {
        return b.stream().map(VerbalizerData.Example::target).toArray(int[][]::new);
    }

    private static TrainCheckpoint.State readable(Path ckpt, DecoderTrainingRun.Listener listener) {
        if (!Files.isRegularFile(ckpt)) return null;
        try {
            return TrainCheckpoint.read(ckpt);
        } catch (IOException | RuntimeException e) {
            listener.note("starting fresh: the checkpoint " + ckpt + " cannot be used (" + e.getMessage() + ")");
            return null;
        }
    }

    /** SHA-256 of examples' states (their float bits) and targets: the data's identity in the settings. */
    static String dataSha256(List<VerbalizerData.Example> examples) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (VerbalizerData.Example e : examples) {
                for (float f : e.state()) md.update(b.clear().putInt(0, Float.floatToRawIntBits(f)).array(), 0, 4);
                for (int t : e.target()) md.update(b.clear().putInt(0, t).array(), 0, 4);
                md.update(b.clear().putInt(0, -1).array(), 0, 4);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    private static String sha256(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
