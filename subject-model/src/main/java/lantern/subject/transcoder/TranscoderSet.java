package lantern.subject.transcoder;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A named set of transcoders of one model, stored as SAELens folders under
 * {@code {data}/transcoders/{model}/{name}/{layer}/}. A layer without a transcoder is allowed: its whole MLP output
 * is then an error node in an attribution graph.
 */
public final class TranscoderSet implements AutoCloseable {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]+");

    private final String model;
    private final String name;
    private final TreeMap<Integer, Transcoder> byLayer;

    public TranscoderSet(String model, String name, List<Transcoder> transcoders) {
        this.model = model;
        this.name = name;
        this.byLayer = new TreeMap<>();
        for (Transcoder t : transcoders) {
            if (byLayer.put(t.layer(), t) != null) {
                throw new IllegalArgumentException("two transcoders for layer " + t.layer());
            }
        }
    }

    public static Path dir(Path dataDir, String model, String name) {
        for (String p : new String[]{model, name}) {
            if (p == null || !PART.matcher(p).matches() || p.equals("..") || p.equals(".")) {
                throw new lantern.errors.InvalidInputException("bad transcoder set name part: '" + p
                        + "' (letters, digits, '.', '_', '-')");
            }
        }
        return dataDir.resolve("transcoders").resolve(model).resolve(name);
    }

    public static Path layerDir(Path dataDir, String model, String name, int layer) {
        return dir(dataDir, model, name).resolve(Integer.toString(layer));
    }

    /** The layers of a stored set that are complete (their cfg.json exists). */
    public static List<Integer> storedLayers(Path dataDir, String model, String name) {
        Path d = dir(dataDir, model, name);
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(d)) return out;
        try (Stream<Path> s = Files.list(d)) {
            s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve("cfg.json")))
                    .forEach(p -> out.add(Integer.parseInt(p.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /** Loads every stored layer of a set; a set with none is a NotFoundException naming the training command. */
    public static TranscoderSet load(Path dataDir, String model, String name, NDManager manager) {
        List<Integer> layers = storedLayers(dataDir, model, name);
        if (layers.isEmpty()) {
            throw new lantern.errors.NotFoundException("no transcoders '" + name + "' for model " + model + " (looked in "
                    + dir(dataDir, model, name) + "; train them with: lantern train transcoder --model " + model
                    + " --name " + name + ")");
        }
        List<Transcoder> ts = new ArrayList<>();
        try {
            for (int l : layers) ts.add(TranscoderFormat.load(layerDir(dataDir, model, name, l), manager));
        } catch (IOException e) {
            ts.forEach(Transcoder::close);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            ts.forEach(Transcoder::close);
            throw e;
        }
        return new TranscoderSet(model, name, ts);
    }

    /** The names of the sets stored for a model. */
    public static List<String> names(Path dataDir, String model) {
        Path d = dataDir.resolve("transcoders").resolve(model);
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String model() {
        return model;
    }

    public String name() {
        return name;
    }

    /** The transcoder of a layer, or null when the set has none there. */
    public Transcoder layer(int layer) {
        return byLayer.get(layer);
    }

    public List<Integer> layers() {
        return List.copyOf(byLayer.keySet());
    }

    @Override
    public void close() {
        byLayer.values().forEach(Transcoder::close);
    }
}
