package lantern.collect;

import lantern.api.Manifest;
import lantern.errors.NotFoundException;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.api.ActivationRecord;
import lantern.api.FeatureId;
import lantern.api.FeatureRecords;
import lantern.api.FeatureStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stored collection, memory-mapped: opening reads two small JSON files and maps the binaries; a neuron's
 * records are decoded from its own block on demand. Thread-safe for reads.
 */
public final class StoredCollection {
    private final Path dir;
    private final Manifest manifest;
    private final ByteBuffer stream;
    private final int tokens;
    private final int sequences;
    private final List<String> tagNames;
    private final Map<Integer, String> vocab = new HashMap<>();
    private final Map<Integer, String> display = new HashMap<>();
    private final List<Window> randomWindows = new ArrayList<>();
    private final Map<Integer, ByteBuffer> layers = new ConcurrentHashMap<>();

    private StoredCollection(Path dir) throws IOException {
        this.dir = dir;
        this.manifest = ActivationStore.readManifest(dir.resolve("manifest.json"));
        this.stream = map(dir.resolve("stream.bin"));
        if (stream.getInt(0) != ActivationStore.STREAM_MAGIC) throw new IllegalArgumentException("not a token stream: " + dir.resolve("stream.bin"));
        this.tokens = stream.getInt(8);
        this.sequences = stream.getInt(12);
        JsonNode meta = ActivationStore.JSON.readTree(dir.resolve("stream.json").toFile());
        List<String> tags = new ArrayList<>();
        meta.get("tagNames").forEach(t -> tags.add(t.asText()));
        this.tagNames = List.copyOf(tags);
        JsonNode ids = meta.get("vocabIds");
        JsonNode strs = meta.get("vocabTokens");
        for (int i = 0; i < ids.size(); i++) vocab.put(ids.get(i).asInt(), strs.get(i).asText());
        JsonNode shown = meta.get("display");
        if (shown != null) shown.fields().forEachRemaining(f -> display.put(Integer.parseInt(f.getKey()), f.getValue().asText()));
        meta.get("randomWindows").forEach(w -> randomWindows.add(new Window(w.get(0).asInt(), w.get(1).asInt(), w.get(2).asInt())));
    }

    /** Opens a collection folder; NoSuchElementException when it holds no complete collection. */
    public static StoredCollection open(Path dir) {
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) throw new NotFoundException("no collection in " + dir);
        try {
            return new StoredCollection(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the collection in " + dir, e);
        }
    }

    public static StoredCollection open(Path dataDir, String model, String name) {
        return open(ActivationStore.dir(dataDir, model, name));
    }

    private static ByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return b.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path dir() {
        return dir;
    }

    public boolean hasLayer(int layer) {
        return manifest.layers().contains(layer);
    }

    private ByteBuffer layer(int layer) {
        return layers.computeIfAbsent(layer, l -> {
            try {
                ByteBuffer b = map(dir.resolve("layer-" + l + ".bin"));
                if (b.getInt(0) != ActivationStore.LAYER_MAGIC) throw new IllegalArgumentException("not a layer file: layer-" + l + ".bin");
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The records of neuron {@code index} of {@code layer}. */
    public FeatureRecords records(int layer, int index) {
        if (!hasLayer(layer)) throw new NotFoundException("layer " + layer + " was not collected (have " + manifest.layers() + ")");
        if (index < 0 || index >= manifest.width()) {
            throw new NotFoundException("neuron " + index + " outside 0.." + (manifest.width() - 1));
        }
        ByteBuffer b = layer(layer);
        int k = b.getInt(16), w = b.getInt(20), randoms = b.getInt(24), qs = b.getInt(28), levels = b.getInt(32), block = b.getInt(36);
        int at = ActivationStore.LAYER_HEADER_BYTES + index * block;
        float max = b.getFloat(at), mean = b.getFloat(at + 4), frac = b.getFloat(at + 8);
        float[] quantiles = new float[levels];
        for (int q = 0; q < levels; q++) quantiles[q] = b.getFloat(at + 12 + 4 * q);
        at += 4 * (3 + levels);
        List<ActivationRecord> top = slots(b, at, k, w);
        at += k * (ActivationStore.ENTRY_BYTES + 4 * w);
        List<ActivationRecord> random = new ArrayList<>();
        for (int r = 0; r < randoms; r++) {
            Window win = randomWindows.get(r);
            random.add(record(win, b, at + r * w * 4));
        }
        at += randoms * w * 4;
        List<ActivationRecord> quantileWindows = slots(b, at, qs, w);
        List<List<ActivationRecord>> bins = new ArrayList<>();
        int perBin = manifest.perBin();
        // Slots are bin-major; empty slots (a bin with too few samples) were dropped by slots(), so regroup by index.
        List<Integer> slotBin = new ArrayList<>();
        for (int j = 0; j < qs; j++) if (b.getInt(at + j * ActivationStore.ENTRY_BYTES) >= 0) slotBin.add(perBin == 0 ? 0 : j / perBin);
        for (int bin = 0; bin < manifest.quantileBins(); bin++) bins.add(new ArrayList<>());
        for (int j = 0; j < quantileWindows.size(); j++) bins.get(slotBin.get(j)).add(quantileWindows.get(j));
        FeatureStats stats = new FeatureStats(max, mean, frac,
                manifest.quantileLevels().stream().mapToDouble(Double::doubleValue).toArray(), quantiles, manifest.tokens());
        return new FeatureRecords(new FeatureId(manifest.model(), layer, manifest.kind(), index), stats, top, random,
                bins.stream().map(List::copyOf).toList());
    }

    private List<ActivationRecord> slots(ByteBuffer b, int at, int count, int w) {
        List<ActivationRecord> out = new ArrayList<>();
        int acts = at + count * ActivationStore.ENTRY_BYTES;
        for (int j = 0; j < count; j++) {
            int e = at + j * ActivationStore.ENTRY_BYTES;
            int seq = b.getInt(e);
            if (seq < 0) continue;
            out.add(record(new Window(seq, b.getInt(e + 4), b.getInt(e + 8)), b, acts + j * w * 4));
        }
        return out;
    }

    private ActivationRecord record(Window win, ByteBuffer b, int actsAt) {
        int len = win.length();
        int first = seqStart(win.sequence()) + win.start();
        List<String> toks = new ArrayList<>(len);
        List<String> tags = new ArrayList<>(len);
        boolean[] wordStart = new boolean[len];
        float[] acts = new float[len];
        boolean anyTag = false;
        for (int i = 0; i < len; i++) {
            int t = first + i;
            String shownAs = display.get(t);
            toks.add(shownAs != null ? shownAs : tokenString(tokenId(t)));
            short tag = stream.getShort(tagsAt() + 2 * t);
            tags.add(tag < 0 ? null : tagNames.get(tag));
            anyTag |= tag >= 0;
            wordStart[i] = stream.get(wordStartAt() + t) != 0;
            acts[i] = b.getFloat(actsAt + 4 * i);
        }
        return new ActivationRecord(toks, acts, anyTag ? tags : null, wordStart);
    }

    private int tagsAt() {
        return 16 + 4 * tokens;
    }

    private int wordStartAt() {
        return tagsAt() + 2 * tokens;
    }

    private int seqStart(int s) {
        if (s < 0 || s >= sequences) throw new IllegalStateException("sequence " + s + " outside the stream");
        return stream.getInt(wordStartAt() + tokens + 4 * s);
    }

    int tokenId(int t) {
        return stream.getInt(16 + 4 * t);
    }

    private String tokenString(int id) {
        String s = vocab.get(id);
        return s == null ? "[" + id + "]" : s;
    }
}
