package lantern.service;

import lantern.core.ExplanationStore;
import lantern.core.ExplanationResult;
import lantern.api.FeatureId;
import lantern.index.FeatureIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Rebuilds the feature index from the explanation histories ({@code {dataDir}/explanations}, the source of truth):
 * the old index is moved aside (kept as {@code index.damaged-<time>}), a new one is written with the newest
 * explanation of every (feature, explainer), as the service indexes them (every score with its interval), and committed.
 */
public final class IndexRebuilder {
    public record Result(int features, int documents, Path oldIndex) {
    }

    private IndexRebuilder() {
    }

    public static Result rebuild(Path dataDir, Function<String, float[]> embed, Function<FeatureId, List<String>> topTokens) {
        return rebuild(dataDir, lantern.index.VectorFormat.FLOAT, embed, topTokens);
    }

    /** As above, writing the new index's vectors in {@code format}. */
    public static Result rebuild(Path dataDir, lantern.index.VectorFormat format, Function<String, float[]> embed,
                                 Function<FeatureId, List<String>> topTokens) {
        return rebuild(dataDir, format, FeatureIndex.DEFAULT_HNSW_M, FeatureIndex.DEFAULT_HNSW_BEAM_WIDTH, embed, topTokens);
    }

    /** As above, the new index's vector graph built with {@code hnswM} neighbours per node and beam width {@code hnswBeam}. */
    public static Result rebuild(Path dataDir, lantern.index.VectorFormat format, int hnswM, int hnswBeam,
                                 Function<String, float[]> embed, Function<FeatureId, List<String>> topTokens) {
        Path indexDir = dataDir.resolve("index");
        Path aside = null;
        try {
            if (Files.exists(indexDir)) {
                aside = dataDir.resolve("index.damaged-" + Instant.now().toString().replace(':', '-'));
                Files.move(indexDir, aside);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the old index aside: " + indexDir, e);
        }
        ExplanationStore store = new ExplanationStore(dataDir);
        Path root = dataDir.resolve("explanations");
        int features = 0, docs = 0;
        try (FeatureIndex index = FeatureIndex.open(indexDir, format, hnswM, hnswBeam)) {
            if (Files.isDirectory(root)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(root)) {
                    files = walk.filter(p -> p.getFileName().toString().matches("\\d+\\.json")).sorted().toList();
                }
                for (Path f : files) {
                    Path rel = root.relativize(f);
                    if (rel.getNameCount() != 4) continue;
                    String id = rel.getName(0) + "/" + rel.getName(1) + "/" + rel.getName(2) + "/" + rel.getName(3).toString().replace(".json", "");
                    FeatureId fid = FeatureId.parse(id);
                    List<ExplanationResult> history = store.list(fid);
                    if (history.isEmpty()) continue;
                    features++;
                    List<String> top = topTokens.apply(fid);
                    Set<String> explainers = new HashSet<>();
                    for (ExplanationResult e : history) { // newest first: the first of each explainer is the one indexed
                        if (!explainers.add(e.explainer())) continue;
                        index.add(SearchService.indexed(e, top, embed.apply(e.text()), Instant.parse(e.createdAt()).toEpochMilli()));
                        docs++;
                    }
                }
            }
            index.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the explanation histories under " + root, e);
        }
        return new Result(features, docs, aside);
    }
}
