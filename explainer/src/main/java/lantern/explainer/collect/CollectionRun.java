package lantern.explainer.collect;

import lantern.explainer.corpus.Corpus;
import lantern.subject.bert.BertModel;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One whole collection: chunk a corpus for the model, stream it through once, store the result atomically.
 * Shared by the CLI, audits and the quickstart so they all collect the same way.
 *
 * @param maxTokens stop after this many text tokens (0: the whole corpus)
 * @param seqLen    tokens per sequence including [CLS]/[SEP]
 */
public record CollectionRun(Corpus corpus, String name, CollectOptions options, long maxTokens, int seqLen) {

    public record Outcome(Path dir, TokenStream stream, CollectionResult result) {
    }

    public static CollectionRun of(Corpus corpus, CollectOptions options, long maxTokens) {
        return new CollectionRun(corpus, corpus.name(), options, maxTokens, 64);
    }

    public Outcome run(BertModel model, Path dataDir, Consumer<Progress> progress) {
        return run(model, new BertActivationSource(model), dataDir, progress);
    }

    /** Collects what {@code source} reads (MLP neurons, SAE features) over text tokenized for {@code model}. */
    public Outcome run(BertModel model, ActivationSource source, Path dataDir, Consumer<Progress> progress) {
        TokenStream stream = new Chunker(model.tokenizer(), seqLen).chunk(corpus, maxTokens);
        CollectionResult result = new ActivationCollector(source, options)
                .collect(stream, corpus.name(), progress);
        Path dir = ActivationStore.write(dataDir, name, result, model.tokenizer()::token, source.saeFingerprint());
        return new Outcome(dir, stream, result);
    }
}
