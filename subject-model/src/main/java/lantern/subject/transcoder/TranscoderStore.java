package lantern.subject.transcoder;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Single transcoders by feature kind ({@code tc-NAME}), loaded on first use and kept while their files are
 * unchanged (a layer retrained on disk is loaded again; the old one is freed at {@link #close()}, since a request may
 * still use it). What {@link lantern.subject.sae.SaeStore} is for SAE features.
 */
public final class TranscoderStore implements AutoCloseable {
    private record Loaded(Transcoder transcoder, List<Object> stamp) {
    }

    private final Path dataDir;
    private final NDManager manager;
    private final boolean ownsManager;
    private final Map<Path, Loaded> open = new ConcurrentHashMap<>();
    private final List<Transcoder> replaced = new CopyOnWriteArrayList<>();

    /** With its own native memory manager (closed with the store). */
    public TranscoderStore(Path dataDir) {
        this(dataDir, NDManager.newBaseManager(), true);
    }

    public TranscoderStore(Path dataDir, NDManager manager) {
        this(dataDir, manager, false);
    }

    private TranscoderStore(Path dataDir, NDManager manager, boolean owns) {
        this.dataDir = dataDir;
        this.manager = manager;
        this.ownsManager = owns;
    }

    /** The transcoder of layer {@code layer} of the set a {@code tc-NAME} kind names; a 404 naming the training command when missing. */
    public Transcoder get(String model, int layer, String kind) {
        Path dir = TranscoderFeatures.folder(dataDir, model, layer, kind).toAbsolutePath().normalize();
        List<Object> stamp = stamp(dir);
        if (stamp == null) {
            throw new lantern.errors.NotFoundException("no transcoder " + model + "/" + layer + "/" + kind + " (looked in "
                    + dir + "; train it with: lantern train transcoder --model " + model + " --layers " + layer
                    + " --name " + TranscoderFeatures.set(kind) + ")");
        }
        return open.compute(dir, (d, old) -> {
            if (old != null && old.stamp().equals(stamp)) return old;
            Transcoder t;
            try {
                t = TranscoderFormat.load(d, manager);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (t.layer() != layer) {
                t.close();
                throw new IllegalArgumentException("transcoder in " + d + " is of layer " + t.layer() + ", not " + layer);
            }
            if (old != null) replaced.add(old.transcoder());
            return new Loaded(t, stamp);
        }).transcoder();
    }

    /** Modification time, size and file key of cfg.json and the weights; null when either is missing. */
    static List<Object> stamp(Path dir) {
        try {
            BasicFileAttributes cfg = Files.readAttributes(dir.resolve(lantern.subject.sae.SaeLensFormat.CFG), BasicFileAttributes.class);
            BasicFileAttributes w = Files.readAttributes(dir.resolve(lantern.subject.sae.SaeLensFormat.WEIGHTS), BasicFileAttributes.class);
            return Arrays.asList(cfg.lastModifiedTime(), cfg.size(), cfg.fileKey(), w.lastModifiedTime(), w.size(), w.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        open.values().forEach(l -> l.transcoder().close());
        open.clear();
        replaced.forEach(Transcoder::close);
        replaced.clear();
        if (ownsManager) manager.close();
    }
}
