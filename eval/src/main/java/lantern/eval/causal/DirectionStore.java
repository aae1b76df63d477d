package lantern.eval.causal;

import lantern.api.causal.Pooling;
import lantern.api.causal.Direction;
import lantern.errors.NotFoundException;

import lantern.errors.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/** Directions by name under {@code {dataDir}/directions/NAME.json}, written to a temp file and renamed. */
public final class DirectionStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public DirectionStore(Path dataDir) {
        this.dir = dataDir.resolve("directions");
    }

    public static void checkName(String name) {
        Direction.checkName(name);
    }

    public void save(Direction d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("model", d.model());
        m.put("hook", d.hook());
        m.put("norm", d.norm());
        m.put("positives", d.positives());
        m.put("negatives", d.negatives());
        m.put("pool", d.pool());
        m.put("vector", d.vector());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + d.name(), ".tmp");
            try {
                JSON.writeValue(tmp.toFile(), m);
                Files.move(tmp, dir.resolve(d.name() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Direction load(String name) {
        checkName(name);
        Path p = dir.resolve(name + ".json");
        if (!Files.isRegularFile(p)) throw new NotFoundException("no direction named '" + name + "'");
        try {
            JsonNode n = JSON.readTree(p.toFile());
            JsonNode v = n.path("vector");
            if (!v.isArray() || v.isEmpty()) throw new InvalidInputException(p + ": no vector");
            float[] vec = new float[v.size()];
            for (int i = 0; i < vec.length; i++) {
                if (!v.get(i).isNumber()) throw new InvalidInputException(p + ": vector holds a non-number");
                vec[i] = (float) v.get(i).asDouble();
            }
            return new Direction(n.path("name").asText(name), n.path("model").asText(), n.path("hook").asText(), vec,
                    Direction.norm(vec), n.path("positives").asInt(), n.path("negatives").asInt(),
                    n.path("pool").asText(Pooling.MEAN.label()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> names() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json") && !f.startsWith("."))
                    .sorted().forEach(f -> out.add(f.substring(0, f.length() - 5)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
