package lantern.collect;

import lantern.corpus.Corpus;
import lantern.subject.HookedModel;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One whole collection: chunk a corpus for the model, stream it through once, store the result atomically.
 * Shared by the CLI, audits and the quickstart so they all collect the same way. While it runs it writes
 * checkpoints into its work folder ({@link ActivationStore#workDir}), so the same run started again after a kill
 * continues where the last checkpoint left off; the folder is deleted once the collection is stored.
 *
 * @param maxTokens   stop after this many text tokens (0: the whole corpus)
 * @param seqLen      tokens per sequence including [CLS]/[SEP] or BOS (the context length of decoder sequences)
 * @param checkpoints when to write checkpoints, and whether to ignore one found
 */
public record CollectionRun(Corpus corpus, String name, CollectOptions options, long maxTokens, int seqLen,
                            CheckpointPolicy checkpoints) {
    private static final System.Logger LOG = System.getLogger(CollectionRun.class.getName());

    /** With checkpoints every {@link CheckpointPolicy#DEFAULT_INTERVAL}. */
    public CollectionRun(Corpus corpus, String name, CollectOptions options, long maxTokens, int seqLen) {
        this(corpus, name, options, maxTokens, seqLen, CheckpointPolicy.defaults());
    }

    /** @param checkpoints what writing checkpoints cost this run */
    public record Outcome(Path dir, TokenStream stream, CollectionResult result, Checkpoints.Written checkpoints) {
    }

    public static CollectionRun of(Corpus corpus, CollectOptions options, long maxTokens) {
        return new CollectionRun(corpus, corpus.name(), options, maxTokens, 64);
    }

    public CollectionRun withCheckpoints(CheckpointPolicy policy) {
        return new CollectionRun(corpus, name, options, maxTokens, seqLen, policy);
    }

    public Outcome run(HookedModel model, Path dataDir, Consumer<Progress> progress) {
        return run(model, new HookedActivationSource(model), dataDir, progress);
    }

    /** Collects what {@code source} reads (MLP neurons, SAE features) over text tokenized for {@code model}. */
    public Outcome run(HookedModel model, ActivationSource source, Path dataDir, Consumer<Progress> progress) {
        return run(model, source, dataDir, progress, note -> LOG.log(System.Logger.Level.INFO, note));
    }

    /** As {@link #run(HookedModel, ActivationSource, Path, Consumer)}, telling {@code notes} what became of a checkpoint. */
    public Outcome run(HookedModel model, ActivationSource source, Path dataDir, Consumer<Progress> progress,
                       Consumer<String> notes) {
        TokenStream stream = Chunker.forModel(model, seqLen).chunk(corpus, maxTokens);
        Path work = ActivationStore.workDir(dataDir, source.modelId(), name);
        try (Checkpoints cp = Checkpoints.open(work, checkpoints, notes)) {
            CollectionResult result = new ActivationCollector(source, options)
                    .collect(stream, corpus.name(), progress, cp);
            Path dir = ActivationStore.write(dataDir, name, result, model.tokenizer()::token, source.saeFingerprint());
            cp.finished();
            return new Outcome(dir, stream, result, cp.stats());
        }
    }
}
