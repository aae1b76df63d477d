package lantern.subject.circuits;

import ai.djl.ndarray.NDManager;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.sae.SaeArchitecture;
import lantern.subject.transcoder.TranscoderSet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Real attribution graphs for tests outside this package (the web pages): built, stored and written as JSON. */
public final class GraphSamples {
    private GraphSamples() {
    }

    /**
     * A pruned graph of "the cat sat on the mat" on the tiny random GPT-2 with random transcoders on its three layers,
     * as {@code GET /api/graphs/{id}} serves it; each feature's clerp is "feature {index}".
     */
    public static String prunedJson(Path dir) throws Exception {
        try (DecoderModel model = CircuitFixtures.gpt2(dir); NDManager m = model.manager().newSubManager()) {
            TranscoderSet set = CircuitFixtures.transcoders(model, List.of(0, 1, 2), 40, SaeArchitecture.TOPK, 5, 7, m);
            GraphStore store = new GraphStore(dir.resolve("data"));
            CircuitTracer.Built b = CircuitTracer.build(model, set,
                    new CircuitTracer.Request("the cat sat on the mat", null, null, null), store, null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CircuitTracer.writeJson(store.load(b.id()), true, f -> "feature " + f.index(), out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
