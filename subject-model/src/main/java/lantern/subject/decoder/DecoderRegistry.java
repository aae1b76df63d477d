package lantern.subject.decoder;

import lantern.errors.NotFoundException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Names for local model files: {@code <dataDir>/models.json}, {@code {"models": {"name": {"path": "...",
 * "tokenizer": "..." or null}}}}. Written to a temp file then renamed, so a crash never leaves half a registry.
 */
public final class DecoderRegistry {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** A registered model: a Hugging Face directory or a llama2.c .bin (with its tokenizer.bin). */
    public record Entry(String path, String tokenizer) {
    }

    public record Registry(Map<String, Entry> models) {
    }

    private final Path file;

    public DecoderRegistry(Path dataDir) {
        this.file = dataDir.resolve("models.json");
    }

    public Path file() {
        return file;
    }

    public synchronized Map<String, Entry> list() {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            Registry r = JSON.readValue(file.toFile(), Registry.class);
            return r.models() == null ? Map.of() : new TreeMap<>(r.models());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read model registry " + file + ": " + e.getMessage(), e);
        }
    }

    public Entry get(String name) {
        Entry e = list().get(name);
        if (e == null) throw new NotFoundException("no model named '" + name + "' in " + file);
        return e;
    }

    public boolean contains(String name) {
        return list().containsKey(name);
    }

    /** Registers {@code path} under {@code name} after checking that it reads as a decoder (config and header). */
    public synchronized void add(String name, Path path, Path tokenizer) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' must be 1-64 letters, digits, . _ -");
        }
        DecoderModels.describe(path, tokenizer); // throws IllegalArgumentException when it is not a model we read
        Map<String, Entry> models = new TreeMap<>(list());
        models.put(name, new Entry(path.toAbsolutePath().normalize().toString(),
                tokenizer == null ? null : tokenizer.toAbsolutePath().normalize().toString()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".models", ".tmp");
            JSON.writeValue(tmp.toFile(), new Registry(models));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write model registry " + file + ": " + e.getMessage(), e);
        }
    }
}
