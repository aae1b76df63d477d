package lantern.collect;

import lantern.api.Manifest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Activation caches on disk: {@code {data}/activations/{model}/{name}/} holds {@code manifest.json},
 * {@code stream.bin} + {@code stream.json} (the token stream, tag and document names, the used vocabulary, the
 * random windows) and one {@code layer-{l}.bin} per layer with a fixed-size block per neuron, so one neuron is
 * read without touching the rest.
 *
 * <p>A collection is written into a hidden temporary folder next to its target and renamed into place at the
 * end, so an interrupted run leaves either the old collection or the new one, never a half-written one.
 */
public final class ActivationStore {
    static final int STREAM_MAGIC = 0x4C4E5453;  // "LNTS"
    static final int LAYER_MAGIC = 0x4C4E544C;   // "LNTL"
    static final int LAYER_HEADER_BYTES = 64;
    static final int ENTRY_BYTES = 16;            // seq, start, length, value
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ActivationStore() {
    }

    public static Path dir(Path dataDir, String model, String name) {
        checkName("model", model);
        checkName("collection name", name);
        return dataDir.resolve("activations").resolve(model).resolve(name);
    }

    /**
     * The work folder of a collection in progress ({@link Checkpoints}): {@code .{name}.partial} next to where the
     * collection will be. Hidden, so no collection name can be it (names start with a letter or digit) and listings
     * skip it.
     */
    public static Path workDir(Path dataDir, String model, String name) {
        Path target = dir(dataDir, model, name);
        return target.resolveSibling("." + name + ".partial");
    }

    private static void checkName(String what, String s) {
        if (s == null || !NAME.matcher(s).matches()) throw new IllegalArgumentException("bad " + what + ": " + s);
    }

    /** Writes a collection under {@code dataDir}, replacing one of the same model and name; returns its folder. */
    public static Path write(Path dataDir, String name, CollectionResult result, IntFunction<String> tokenString) {
        return write(dataDir, name, result, tokenString, null);
    }

    /** As {@link #write(Path, String, CollectionResult, IntFunction)}, recording the SAE weights' fingerprint. */
    public static Path write(Path dataDir, String name, CollectionResult result, IntFunction<String> tokenString,
                             String saeFingerprint) {
        Path target = dir(dataDir, result.modelId(), name);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + name + ".tmp-");
            try {
                readableByAll(tmp);  // temp folders start private (rwx------); the finished cache is not a secret
                writeStream(tmp, result, tokenString);
                for (LayerResult l : result.layerResults()) writeLayer(tmp.resolve("layer-" + l.layer + ".bin"), l, result);
                writeJson(tmp.resolve("manifest.json"), manifest(name, result, saeFingerprint));
                replace(tmp, target);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the collection to " + target, e);
        }
    }

    private static void readableByAll(Path dir) throws IOException {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static Manifest manifest(String name, CollectionResult r, String saeFingerprint) {
        CollectOptions o = r.options();
        return new Manifest(Manifest.FORMAT_VERSION, r.modelId(), r.corpus(), name, Instant.now().toString(),
                r.stream().tokens(), r.stream().sequences(),
                r.stream().maxLength() + r.stream().prefix().length + r.stream().suffix().length,
                Arrays.stream(r.layers()).boxed().toList(), r.width(), o.topK(), o.halfWindow(), o.windowWidth(),
                o.seed(), r.randomWindows().size(), Arrays.stream(o.quantileLevels()).boxed().toList(),
                o.quantileBins(), o.perBin(), r.seconds(), r.stream().tokens() / Math.max(1e-9, r.seconds()), r.kind(),
                saeFingerprint);
    }

    private static void writeStream(Path dir, CollectionResult r, IntFunction<String> tokenString) throws IOException {
        TokenStream s = r.stream();
        int n = s.ids().length;
        int seqs = s.sequences();
        long bytes = 16L + 4L * n + 2L * n + n + 4L * (seqs + 1) + 4L * seqs;
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(STREAM_MAGIC).putInt(Manifest.FORMAT_VERSION).putInt(n).putInt(seqs);
        for (int id : s.ids()) buf.putInt(id);
        for (short t : s.tags()) buf.putShort(t);
        for (boolean w : s.wordStart()) buf.put((byte) (w ? 1 : 0));
        for (int x : s.seqStart()) buf.putInt(x);
        for (int x : s.seqDoc()) buf.putInt(x);
        writeBytes(dir.resolve("stream.bin"), buf.flip());

        int[] vocab = s.vocabulary();
        List<String> strings = new ArrayList<>(vocab.length);
        for (int id : vocab) strings.add(tokenString.apply(id));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("tagNames", s.tagNames());
        meta.put("docIds", s.docIds());
        meta.put("docGenres", s.docGenres());
        meta.put("prefix", s.prefix());
        meta.put("suffix", s.suffix());
        meta.put("vocabIds", vocab);
        meta.put("vocabTokens", strings);
        if (!s.display().isEmpty()) {
            Map<String, String> display = new java.util.TreeMap<>();
            s.display().forEach((k, v) -> display.put(Integer.toString(k), v));
            meta.put("display", display);
        }
        meta.put("randomWindows", r.randomWindows().stream().map(w -> new int[] {w.sequence(), w.start(), w.length()}).toList());
        writeJson(dir.resolve("stream.json"), meta);
    }

    /** Bytes of one neuron's block. */
    static int blockBytes(int levels, int k, int w, int randoms, int quantileSlots) {
        return 4 * (3 + levels) + k * (ENTRY_BYTES + 4 * w) + randoms * 4 * w + quantileSlots * (ENTRY_BYTES + 4 * w);
    }

    private static void writeLayer(Path file, LayerResult l, CollectionResult r) throws IOException {
        int levels = r.options().quantileLevels().length;
        int randoms = r.randomWindows().size();
        int qs = l.quantileWindows.perNeuron;
        int block = blockBytes(levels, l.k, l.w, randoms, qs);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(LAYER_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(LAYER_MAGIC).putInt(Manifest.FORMAT_VERSION).putInt(l.layer).putInt(l.width).putInt(l.k)
                    .putInt(l.w).putInt(randoms).putInt(qs).putInt(levels).putInt(block);
            h.position(LAYER_HEADER_BYTES).flip();
            writeFully(ch, h);
            ByteBuffer b = ByteBuffer.allocate(block * Math.min(l.width, 256)).order(ByteOrder.LITTLE_ENDIAN);
            for (int n = 0; n < l.width; n++) {
                if (b.remaining() < block) {
                    writeFully(ch, b.flip());
                    b.clear();
                }
                b.putFloat(l.max[n]).putFloat(l.mean[n]).putFloat(l.fractionPositive[n]);
                for (int q = 0; q < levels; q++) b.putFloat(l.quantiles[n * levels + q]);
                putSlots(b, l.top, n);
                for (int i = 0; i < randoms * l.w; i++) b.putFloat(l.randomActivations[n * randoms * l.w + i]);
                putSlots(b, l.quantileWindows, n);
            }
            writeFully(ch, b.flip());
            ch.force(true);
        }
    }

    private static void putSlots(ByteBuffer b, LayerResult.Slots s, int n) {
        for (int j = n * s.perNeuron; j < (n + 1) * s.perNeuron; j++) {
            b.putInt(s.seq[j]).putInt(s.start[j]).putInt(s.length[j]).putFloat(s.value[j]);
        }
        for (int i = n * s.perNeuron * s.windowWidth; i < (n + 1) * s.perNeuron * s.windowWidth; i++) b.putFloat(s.activations[i]);
    }

    private static void writeBytes(Path file, ByteBuffer buf) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, buf);
            ch.force(true);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static void writeJson(Path file, Object value) throws IOException {
        writeBytes(file, ByteBuffer.wrap(JSON.writeValueAsBytes(value)));
    }

    /** Moves the finished temporary folder into place, replacing an older collection. */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    public static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        } catch (IOException e) {
            // best effort: a leftover hidden folder is ignored by readers
        }
    }

    /** Manifests of every complete collection under {@code dataDir}, newest first. */
    public static List<Manifest> list(Path dataDir) {
        Path root = dataDir.resolve("activations");
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.walk(root, 2)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve("manifest.json")))
                    .map(p -> readManifest(p.resolve("manifest.json")))
                    .sorted(Comparator.comparing(Manifest::created).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest readManifest(Path file) {
        try {
            Manifest m = JSON.readValue(file.toFile(), Manifest.class);
            if (m.formatVersion() != Manifest.FORMAT_VERSION) {
                throw new IllegalArgumentException(file + " has format version " + m.formatVersion() + ", expected " + Manifest.FORMAT_VERSION);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
