package lantern.collect;

import lantern.testsupport.SmallDisk;
import lantern.corpus.BrownCorpus;
import lantern.subject.bert.BertModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The disk fills up during a collection (on a real small tmpfs): it fails with an I/O error, stores no half
 * collection, and once there is room the same collection runs again and stores a valid one.
 */
class CollectDiskFullTest {
    static CollectionRun run() {
        CollectOptions opt = CollectOptions.defaults().withLayers(2).withBatchSize(16);
        return new CollectionRun(new BrownCorpus(Path.of("lantern-data/corpora/brown")), "full", opt, 1200, 64)
                .withCheckpoints(CheckpointPolicy.everyBatches(1));
    }

    @Test
    void aFullDiskFailsTheCollectionAndLeavesNothingHalfWritten() throws Exception {
        try (SmallDisk disk = SmallDisk.mount("48m"); BertModel model = BertModel.loadMiniLm()) {
            Path data = disk.dir.resolve("data");
            Files.createDirectories(data);
            Path filler = disk.fill(256 * 1024);
            assertThatThrownBy(() -> run().run(model, data, p -> { }))
                    .hasStackTraceContaining("No space left on device");
            assertThat(ActivationStore.dir(data, "minilm-l6", "full")).as("no half collection is stored").doesNotExist();

            Files.delete(filler);
            run().run(model, data, p -> { });
            StoredCollection c = StoredCollection.open(data, "minilm-l6", "full");
            assertThat(c.hasLayer(2)).isTrue();
            assertThat(c.records(2, 17).top()).isNotEmpty();
        }
    }
}
