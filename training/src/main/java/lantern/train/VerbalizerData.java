package lantern.train;

import lantern.corpus.BrownCorpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.subject.HookedModel;
import lantern.subject.TextTokenizer;
import lantern.subject.selfreport.Pool;
import lantern.subject.selfreport.StateReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What a verbalizer learns from: states of the subject on Brown with the text each came from, the training files and
 * the held-out files split as {@link BrownSplit} splits them (index % 20 == 10 held out). A batch depends only on the
 * seed and the step, so a resumed run sees the very batches an uninterrupted one sees.
 */
public interface VerbalizerData {
    /** A state, the verbalizer's target ids for its text, and the text. */
    record Example(float[] state, int[] target, String text) {
    }

    /** Training examples for {@code step}. */
    List<Example> batch(long seed, long step, int size);

    /** {@code n} held-out examples (the same ones for a given seed). */
    List<Example> heldOut(long seed, int n);

    /** The width of a state. */
    int width();

    /** A short description for the notes. */
    String describe();

    /** Brown's training and held-out files as token streams of one tokenizer ({@link BrownSplit#stream}). */
    record Streams(int[] train, int[] held, BrownSplit split) {
        public static Streams load(TextTokenizer tokenizer, Path dataDir, int brownFiles) {
            BrownSplit split = BrownSplit.load(dataDir, brownFiles);
            return new Streams(BrownSplit.stream(split.train(), tokenizer), BrownSplit.stream(split.heldOut(),
                    tokenizer), split);
        }
    }

    /** Brown sentences of at most {@code maxTokens} tokens of a tokenizer, training and held-out files apart. */
    record Sentences(List<String> train, List<String> held, int maxTokens) {
        public static Sentences load(TextTokenizer target, Path dataDir, int brownFiles, int maxTokens) {
            return load(target, dataDir, brownFiles, maxTokens, true);
        }

        /** The held-out sentences alone ({@link #held()} as {@link #load} has them; no training file is read). */
        public static List<String> heldOut(TextTokenizer target, Path dataDir, int brownFiles, int maxTokens) {
            return load(target, dataDir, brownFiles, maxTokens, false).held();
        }

        private static Sentences load(TextTokenizer target, Path dataDir, int brownFiles, int maxTokens,
                                      boolean withTraining) {
            BrownCorpus corpus = new BrownCorpus(dataDir.resolve("corpora").resolve("brown"));
            List<Path> files = corpus.files();
            if (brownFiles > 0) files = files.subList(0, Math.min(brownFiles, files.size()));
            List<String> train = new ArrayList<>(), held = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                boolean isHeld = i % BrownSplit.HOLD_OUT_EVERY == BrownSplit.HOLD_OUT_OFFSET;
                if (!isHeld && !withTraining) continue;
                Document d = BrownCorpus.read(files.get(i));
                for (Sentence s : d.sentences()) {
                    String text = s.text().text();
                    if (s.words().size() < 3) continue;
                    int n = target.encode(text, false).ids().length;
                    if (n < 1 || n > maxTokens) continue;
                    (i % BrownSplit.HOLD_OUT_EVERY == BrownSplit.HOLD_OUT_OFFSET ? held : train).add(text);
                }
            }
            if ((withTraining && train.isEmpty()) || held.isEmpty()) {
                throw new IllegalArgumentException("no Brown sentences of at most " + maxTokens + " tokens to train on");
            }
            return new Sentences(train, held, maxTokens);
        }
    }

    /**
     * Decoder subject: windows of up to {@code maxTokens} tokens of the subject's own tokenization; the state is the
     * hook at the window's last token with BOS before it (the subject's framing), the target the window itself.
     */
    static VerbalizerData decoderWindows(HookedModel subject, String hook, Path dataDir, int brownFiles,
                                         int maxTokens) {
        return decoderWindows(subject, hook, Streams.load(subject.tokenizer(), dataDir, brownFiles), maxTokens);
    }

    static VerbalizerData decoderWindows(HookedModel subject, String hook, Streams streams, int maxTokens) {
        int boundary = lantern.train.BpeTrainer.END_OF_TEXT; // BrownSplit.stream's document separator
        int[] train = streams.train();
        int[] held = streams.held();
        BrownSplit split = streams.split();
        long[] prefix = subject.frame().prefix();
        int width = StateReader.positions(subject, hook, withPrefix(prefix, new int[]{train[1]}))[0].length;
        return new VerbalizerData() {
            @Override
            public List<Example> batch(long seed, long step, int size) {
                return windows(train, new Random(seed * 1_000_003L + step), size);
            }

            @Override
            public List<Example> heldOut(long seed, int n) {
                return windows(held, new Random(seed ^ 0x5DEECE66DL), n);
            }

            private List<Example> windows(int[] stream, Random r, int size) {
                long[][] ids = new long[size][];
                int[] pos = new int[size];
                int[][] targets = new int[size][];
                for (int i = 0; i < size; i++) {
                    int n = 1 + r.nextInt(maxTokens);
                    int s;
                    do {
                        s = r.nextInt(stream.length - maxTokens);
                    } while (contains(stream, s, s + n, boundary));
                    targets[i] = Arrays.copyOfRange(stream, s, s + n);
                    ids[i] = withPrefix(prefix, Arrays.copyOfRange(stream, s, s + maxTokens));
                    pos[i] = prefix.length + n - 1;
                }
                float[][] states = StateReader.atPositions(subject, hook, ids, pos);
                List<Example> out = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    out.add(new Example(states[i], targets[i], decode(subject.tokenizer(), targets[i])));
                }
                return out;
            }

            @Override
            public int width() {
                return width;
            }

            @Override
            public String describe() {
                return String.format("%s at %s: windows of 1..%d tokens of %,d training tokens (%d files), %,d "
                        + "held-out tokens (%d files)", subject.info().id(), hook, maxTokens, train.length,
                        split.trainIds().size(), held.length, split.heldOutIds().size());
            }
        };
    }

    /**
     * Encoder subject: Brown sentences of at most {@code maxTokens} tokens of the verbalizer's tokenizer; the state is
     * the hook pooled over the sentence, the target the sentence.
     */
    static VerbalizerData sentences(HookedModel subject, String hook, Pool pool, TextTokenizer target, Path dataDir,
                                    int brownFiles, int maxTokens) {
        return sentences(subject, hook, pool, target, Sentences.load(target, dataDir, brownFiles, maxTokens));
    }

    static VerbalizerData sentences(HookedModel subject, String hook, Pool pool, TextTokenizer target,
                                    Sentences sentences) {
        List<String> train = sentences.train();
        List<String> held = sentences.held();
        int maxTokens = sentences.maxTokens();
        int width = StateReader.read(subject, hook, pool, List.of(train.get(0)))[0].length;
        return new VerbalizerData() {
            @Override
            public List<Example> batch(long seed, long step, int size) {
                return pick(train, new Random(seed * 1_000_003L + step), size);
            }

            @Override
            public List<Example> heldOut(long seed, int n) {
                return pick(held, new Random(seed ^ 0x5DEECE66DL), n);
            }

            private List<Example> pick(List<String> from, Random r, int size) {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < size; i++) texts.add(from.get(r.nextInt(from.size())));
                float[][] states = StateReader.read(subject, hook, pool, texts);
                List<Example> out = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    long[] ids = target.encode(texts.get(i), false).ids();
                    int[] t = new int[ids.length];
                    for (int j = 0; j < t.length; j++) t[j] = Math.toIntExact(ids[j]);
                    out.add(new Example(states[i], t, texts.get(i)));
                }
                return out;
            }

            @Override
            public int width() {
                return width;
            }

            @Override
            public String describe() {
                return String.format("%s at %s pooled %s: %,d training sentences, %,d held out (of at most %d "
                        + "tokens)", subject.info().id(), hook, pool.id(), train.size(), held.size(), maxTokens);
            }
        };
    }

    private static boolean contains(int[] a, int from, int to, int value) {
        for (int i = from; i < to; i++) if (a[i] == value) return true;
        return false;
    }

    private static long[] withPrefix(long[] prefix, int[] body) {
        long[] out = new long[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < body.length; i++) out[prefix.length + i] = body[i];
        return out;
    }

    private static String decode(TextTokenizer tok, int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tok.decode(l);
    }
}
