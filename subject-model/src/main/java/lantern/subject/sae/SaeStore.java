package lantern.subject.sae;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SAEs on disk under {@code {dataDir}/saes/{model}/{layer}/{kind}/} (SAELens folders), so a feature id
 * {@code minilm-l6/3/sae-resid_post-k32/77} names its folder by its first three parts. Loaded SAEs are kept open
 * (they are small) until {@link #close()}; one whose files change on disk (retrained, replaced by another process)
 * is loaded again on its next use.
 */
public final class SaeStore implements AutoCloseable {
    public static final String METRICS = "lantern_metrics.json";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]+");

    /** An SAE on disk. */
    public record Entry(String model, int layer, String kind, Path dir) {
    }

    /** A loaded SAE and the state of its files when it was read ({@link SaeFingerprint#stamp}). */
    private record Loaded(Sae sae, List<Object> stamp) {
    }

    private final Path dataDir;
    private final Path root;
    private final NDManager manager;
    private final Map<Path, Loaded> open = new ConcurrentHashMap<>();
    /** SAEs replaced on disk: a request may still be using one, so they are freed at close(), not at once. */
    private final List<Sae> replaced = new java.util.concurrent.CopyOnWriteArrayList<>();

    public SaeStore(Path dataDir, NDManager manager) {
        this.dataDir = dataDir;
        this.root = dataDir.resolve("saes");
        this.manager = manager;
    }

    public Path dir(String model, int layer, String kind) {
        return folder(dataDir, model, layer, kind);
    }

    /** The folder of an SAE under a data folder (no store, nothing loaded: for checks that only read files). */
    public static Path folder(Path dataDir, String model, int layer, String kind) {
        for (String p : new String[]{model, kind}) {
            if (p == null || !PART.matcher(p).matches() || p.equals("..") || p.equals(".")) {
                throw new IllegalArgumentException("bad SAE name part: " + p);
            }
        }
        if (layer < 0) throw new IllegalArgumentException("layer must be >= 0");
        return dataDir.resolve("saes").resolve(model).resolve(Integer.toString(layer)).resolve(kind);
    }

    /** Saves the SAE (and its metrics and training notes, if given) under its id; returns the folder. */
    public Path save(Sae sae, Map<String, Object> notes) throws IOException {
        SaeConfig c = sae.config();
        Path dir = dir(c.model(), Math.max(c.layer(), 0), c.kind());
        SaeLensFormat.save(sae, dir);
        if (notes != null) SaeLensFormat.writeJson(dir.resolve(METRICS), notes);
        Loaded old = open.remove(dir.toAbsolutePath().normalize());
        if (old != null) replaced.add(old.sae());
        return dir;
    }

    /** The SAE behind a feature id's model/layer/kind as it is on disk now; kept open while its files are unchanged. */
    public Sae get(String model, int layer, String kind) {
        Path dir = dir(model, layer, kind).toAbsolutePath().normalize();
        List<Object> stamp = Files.isDirectory(dir) ? SaeFingerprint.stamp(dir) : null;
        return open.compute(dir, (d, old) -> {
            if (old != null && old.stamp() != null && old.stamp().equals(stamp)) return old;
            Loaded loaded = new Loaded(load(d, model, layer, kind), stamp); // throws (keeping the old entry) when gone
            if (old != null) replaced.add(old.sae());
            return loaded;
        }).sae();
    }

    private Sae load(Path d, String model, int layer, String kind) {
        if (!Files.isDirectory(d)) {
            throw new lantern.errors.NotFoundException("no SAE " + model + "/" + layer + "/" + kind + " (looked in " + d
                    + "; train one with: lantern sae train)");
        }
        try {
            Sae sae = SaeLensFormat.load(d, manager);
            if (!sae.config().kind().equals(kind) || sae.config().layer() != layer) {
                sae.close();
                throw new IllegalArgumentException("SAE in " + d + " is " + sae.config().kind() + " at layer "
                        + sae.config().layer() + ", not " + kind + " at layer " + layer);
            }
            return sae;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.find(root, 3, (p, a) -> Files.isRegularFile(p.resolve(SaeLensFormat.CFG)))) {
            s.sorted().forEach(p -> {
                Path rel = root.relativize(p);
                if (rel.getNameCount() == 3 && rel.getName(1).toString().matches("\\d+")) {
                    out.add(new Entry(rel.getName(0).toString(), Integer.parseInt(rel.getName(1).toString()),
                            rel.getName(2).toString(), p));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public void close() {
        open.values().forEach(l -> l.sae().close());
        open.clear();
        replaced.forEach(Sae::close);
        replaced.clear();
    }
}
