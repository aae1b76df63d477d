package lantern.bench;

import lantern.collect.ActivationCollector;
import lantern.collect.CollectOptions;
import lantern.collect.CollectionResult;
import lantern.collect.HookedActivationSource;
import lantern.collect.TokenStream;
import lantern.subject.HookedModel;

/**
 * {@code lantern bench forward --memory}: one whole collection of every neuron (the quantile-window pass included, as
 * {@code lantern collect} runs it, nothing written to disk) with the heap the collection holds after a full GC at
 * every tenth of the tokens, so a reader sees whether it grows with tokens, and the peak heap at the end.
 */
final class BenchMemory {
    private BenchMemory() {
    }

    static int run(HookedModel model, TokenStream stream, int batchSize) {
        long n = stream.tokens();
        int neurons = model.info().layers() * model.info().neuronsPerLayer();
        System.out.printf("%s: collection of all %,d neurons over %,d tokens in %,d sequences, batches of %d; max heap %,.0f MiB%n",
                model.info().id(), neurons, n, stream.sequences(), batchSize, BenchShapes.maxHeapMiB());
        System.out.printf("heap before: %,.0f MiB held after a full GC%n", BenchShapes.liveHeapMiB());
        System.out.println("| tokens | tokens/s | heap held after full GC, MiB |");
        System.out.println("|---:|---:|---:|");
        int[] next = {1};
        long t0 = System.nanoTime();
        CollectionResult result = new ActivationCollector(new HookedActivationSource(model),
                CollectOptions.defaults().withBatchSize(batchSize)).collect(stream, "brown", p -> {
            if (!"collect".equals(p.phase()) || p.fraction() < next[0] / 10.0) return;
            while (next[0] <= 10 && p.fraction() >= next[0] / 10.0) next[0]++;
            System.out.printf("| %,d | %.0f | %,.0f |%n", p.tokensDone(), p.tokensPerSecond(), BenchShapes.liveHeapMiB());
        });
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("collected %,d neurons x %,d tokens in %.0f s (%.0f tokens/s)%n", neurons, n, secs, n / secs);
        System.out.printf("heap held with the result: %,.0f MiB%n", BenchShapes.liveHeapMiB());
        System.out.printf("peak heap = %,.0f MiB (sum of the heap pools' peaks, an upper bound)%n", BenchShapes.peakHeapMiB());
        if (result.layerResults().isEmpty()) throw new IllegalStateException("no layers collected");
        return 0;
    }
}
