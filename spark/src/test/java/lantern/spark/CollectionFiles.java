package lantern.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import lantern.collect.CheckpointPolicy;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.corpus.Corpora;
import lantern.subject.HookedModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Test data folders that read the repository's Brown corpus, and the comparison of two stored collections. */
final class CollectionFiles {
    private static final ObjectMapper M = new ObjectMapper();

    private CollectionFiles() {
    }

    /** A new data folder under target/ whose corpora are the repository's (lantern-data/corpora, linked). */
    static Path dataFolder(String name) throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(TestPaths.target("")), name + "-");
        Files.createSymbolicLink(dir.resolve("corpora"), TestPaths.repo().resolve("lantern-data/corpora"));
        return dir;
    }

    /** The same collection, local: one process, no checkpoints (as {@code lantern collect} without --engine). */
    static Path collectLocally(HookedModel model, Path data, String name, CollectOptions options, long maxTokens) {
        return new CollectionRun(Corpora.open("brown", data), name, options, maxTokens, 64, CheckpointPolicy.off())
                .run(model, data, null).dir();
    }

    /**
     * Every file of two stored collections is equal byte for byte, except in {@code manifest.json} when it was
     * created and how long it took.
     */
    static void assertSameFiles(Path actual, Path expected) throws IOException {
        List<String> names = list(expected);
        assertThat(list(actual)).isEqualTo(names);
        assertThat(names).contains("manifest.json", "stream.bin").anyMatch(n -> n.startsWith("layer-"));
        for (String n : names) {
            if (n.equals("manifest.json")) {
                assertThat(withoutTimes(actual.resolve(n))).isEqualTo(withoutTimes(expected.resolve(n)));
            } else {
                assertThat(Files.mismatch(actual.resolve(n), expected.resolve(n))).as(n + ": first differing byte").isEqualTo(-1L);
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static ObjectNode withoutTimes(Path manifest) throws IOException {
        ObjectNode m = (ObjectNode) M.readTree(manifest.toFile());
        m.remove(List.of("created", "seconds", "tokensPerSecond"));
        return m;
    }
}
