package lantern.core;

import lantern.core.ExplanationResult;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import lantern.api.FeatureId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Explanations per feature under {@code {dataDir}/explanations/{model}/{layer}/{kind}/{index}.json}: a JSON array,
 * newest first. Every append rewrites the file through a temp file and an atomic rename, so a crash leaves either
 * the old or the new history, never half a file.
 */
public final class ExplanationStore {
    private static final ObjectMapper M = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path root;

    public ExplanationStore(Path dataDir) {
        this.root = dataDir.resolve("explanations");
    }

    public Path file(FeatureId id) {
        return root.resolve(id.model()).resolve(Integer.toString(id.layer())).resolve(id.kind()).resolve(id.index() + ".json");
    }

    public synchronized void append(FeatureId id, ExplanationResult result) {
        List<ExplanationResult> all = new ArrayList<>();
        all.add(result);
        all.addAll(list(id));
        Path f = file(id);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp");
            try {
                M.writeValue(tmp.toFile(), all);
                try {
                    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the explanation of " + id + " to " + f, e);
        }
    }

    /** Newest first; empty when the feature has none. */
    public synchronized List<ExplanationResult> list(FeatureId id) {
        Path f = file(id);
        if (!Files.isRegularFile(f)) return List.of();
        try {
            return M.readValue(f.toFile(), new TypeReference<List<ExplanationResult>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f, e);
        }
    }
}
