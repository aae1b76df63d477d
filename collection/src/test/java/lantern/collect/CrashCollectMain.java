package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.bert.BertModel;

import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link CollectCrashTest}: {@code <dataDir> <delayMs>} runs {@link CollectCrashTest#run()} on the
 * real MiniLM into {@code dataDir}, each forward pass slowed by {@code delayMs} so the parent can kill it mid-run.
 * Prints "BATCH tokens" after every batch, "NOTE ..." for what became of a checkpoint and "STORED dir" at the end.
 */
public final class CrashCollectMain {
    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        long delayMs = Long.parseLong(args[1]);
        try (BertModel model = BertModel.loadMiniLm()) {
            ActivationSource source = new HookedActivationSource(model);
            if (delayMs > 0) source = new Slow(source, delayMs);
            CollectionRun.Outcome outcome = CollectCrashTest.run().run(model, source, data, p -> {
                if (p.phase().equals("collect")) say("BATCH " + p.tokensDone());
            }, note -> say("NOTE " + note));
            say("STORED " + outcome.dir());
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The same activations, later: stretches the run so a kill lands in its middle. */
    private static final class Slow extends ForwardingActivationSource {
        private final long delayMs;

        Slow(ActivationSource inner, long delayMs) {
            super(inner);
            this.delayMs = delayMs;
        }

        @Override
        public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.neurons(m, ids, lengths, layers);
        }
    }
}
