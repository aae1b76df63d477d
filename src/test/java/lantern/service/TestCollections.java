package lantern.service;

import lantern.collect.CollectOptions;
import lantern.collect.CollectionRun;
import lantern.collect.StoredCollection;
import lantern.corpus.BrownCorpus;
import lantern.subject.HookedModel;

import java.nio.file.Files;
import java.nio.file.Path;

/** A small real collection (Brown, MiniLM layers 0 and 3) in the test data folder, made once per test JVM. */
final class TestCollections {
    static final Path BROWN = Path.of("lantern-data/corpora/brown");
    private static boolean made;

    private TestCollections() {
    }

    static synchronized void ensure(HookedModel model, Path dataDir) {
        if (made && Files.exists(dataDir.resolve("activations/minilm-l6/brown/manifest.json"))) return;
        CollectOptions opt = CollectOptions.defaults().withLayers(0, 3).withTopK(20);
        new CollectionRun(new BrownCorpus(BROWN), "brown", opt, 6000, 64).run(model, dataDir, p -> { });
        StoredCollection.open(dataDir, "minilm-l6", "brown");
        made = true;
    }
}
