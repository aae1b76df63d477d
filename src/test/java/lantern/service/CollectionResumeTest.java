package lantern.service;

import lantern.core.LanternConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import lantern.collect.ActivationSource;
import lantern.collect.ForwardingActivationSource;
import lantern.collect.ActivationStore;
import lantern.collect.HookedActivationSource;
import lantern.collect.CheckpointPolicy;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.collect.Progress;
import lantern.corpus.Corpora;
import lantern.subject.HookedModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A collection the service runs resumes from the checkpoint its run before a restart left behind. */
@QuarkusTest
class CollectionResumeTest {
    static final long TOKENS = 3000;

    @Inject
    ModelRegistry models;
    @Inject
    CollectionService collections;
    @Inject
    LanternConfig config;

    /** The forward pass fails after two batches, as a service killed mid-collection would stop. */
    static final class DiesAfterTwo extends ForwardingActivationSource {
        private int calls;

        DiesAfterTwo(ActivationSource inner) {
            super(inner);
        }

        @Override
        public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
            if (calls++ == 2) throw new IllegalStateException("killed");
            return inner.neurons(m, ids, lengths, layers);
        }
    }

    @Test
    void aCollectionCutShortResumesWhenTheServiceRunsItAgain() throws Exception {
        Path data = config.dataDir();
        Path corpus = data.resolve("corpora/brown");
        if (!Files.exists(corpus)) {
            Files.createDirectories(corpus.getParent());
            Files.createSymbolicLink(corpus, TestCollections.BROWN.toAbsolutePath());
        }
        HookedModel model = models.encoder("minilm-l6");
        Path stored = ActivationStore.dir(data, "minilm-l6", "brown-l4");
        Path work = ActivationStore.workDir(data, "minilm-l6", "brown-l4");
        try {
            // what the service runs for layer 4, cut short (it only ever checkpoints by time: here after every batch)
            CollectionRun cut = new CollectionRun(Corpora.open("brown", data), "brown-l4",
                    CollectOptions.defaults().withLayers(4), TOKENS, 64).withCheckpoints(CheckpointPolicy.everyBatches(1));
            assertThatThrownBy(() -> cut.run(model, new DiesAfterTwo(new HookedActivationSource(model)), data,
                    p -> { }, n -> { })).hasMessage("killed");
            assertThat(work.resolve("checkpoint.bin")).isRegularFile();
            assertThat(stored).doesNotExist();

            List<Progress> progress = new ArrayList<>();
            var outcome = collections.run(model, new int[] {4}, TOKENS, progress::add);
            assertThat(progress.get(0).resumedTokens()).as("resumed, not started over").isPositive()
                    .isEqualTo(progress.get(0).tokensDone());
            assertThat(outcome.dir()).isEqualTo(stored);
            assertThat(stored.resolve("manifest.json")).isRegularFile();
            assertThat(work).as("checkpoint deleted with the collection stored").doesNotExist();
        } finally {
            // other tests read layer 4 from their own collections, newest first: leave none of ours behind
            deleteTree(stored);
            deleteTree(work);
        }
    }

    private static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
