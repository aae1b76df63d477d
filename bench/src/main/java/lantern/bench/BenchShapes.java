package lantern.bench;

import lantern.collect.TokenStream;
import lantern.subject.decoder.DecoderModel;
import lantern.subject.decoder.DecoderModels;
import lantern.subject.decoder.RandomGpt2;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What the benches share for {@code --shape}: a random-weight decoder of a real shape (its Hugging Face folder written
 * once under {@code {data}/bench/{shape}} by {@link RandomGpt2}), random token ids in its vocabulary, and the heap.
 */
final class BenchShapes {
    private BenchShapes() {
    }

    /** The random-weight model of {@code shape}, its folder written now unless a complete one is there. */
    static DecoderModel load(String shape, Path data) throws IOException {
        RandomGpt2.Shape s = RandomGpt2.shape(shape);
        Path dir = data.resolve("bench").resolve(s.name());
        long t0 = System.nanoTime();
        System.err.printf("writing or reusing the random %s folder %s ...%n", s.name(), dir);
        RandomGpt2.ensure(dir, s, 0);
        System.err.printf("folder ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return DecoderModels.load(s.name() + "-random", dir, null);
    }

    /**
     * The stream's sequences (lengths, documents, tags) with every text token replaced by a random id in
     * {@code 1 .. vocab-2} (the random folder's word-level tokenizer would read Brown as unknown words, one id).
     */
    static TokenStream randomIds(TokenStream s, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[s.ids().length];
        for (int i = 0; i < ids.length; i++) ids[i] = 1 + r.nextInt(vocab - 2);
        return new TokenStream(ids, s.tags(), s.wordStart(), s.seqStart(), s.seqDoc(), s.tagNames(), s.docIds(),
                s.docGenres(), s.prefix(), s.suffix());
    }

    /** Random token ids for a prompt: BOS ({@code bos}) first. */
    static long[] randomPrompt(int n, int vocab, long bos, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[n];
        ids[0] = bos;
        for (int i = 1; i < n; i++) ids[i] = 1 + r.nextInt(vocab - 2);
        return ids;
    }

    /** Peak heap used so far (MiB): the sum of the heap pools' peaks, an upper bound of the peak of their sum. */
    static double peakHeapMiB() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum / 1048576.0;
    }

    /** Heap used (MiB) right after a full GC: what the program holds. */
    static double liveHeapMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    static double maxHeapMiB() {
        return Runtime.getRuntime().maxMemory() / 1048576.0;
    }
}
