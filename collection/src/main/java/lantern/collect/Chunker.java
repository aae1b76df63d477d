package lantern.collect;

import lantern.corpus.Corpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.subject.Encoding;
import lantern.subject.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Packs whole sentences of a document into model sequences of at most {@code maxSequenceLength} tokens, special
 * tokens included; a sentence longer than a sequence is cut, at a word start where one is near. Sequences never
 * cross documents. Every word piece is mapped back to its corpus word through the tokenizer's character spans, so
 * it carries that word's tag family and a word-start flag.
 *
 * <p>Sentences are tokenized one at a time, words joined by spaces: for WordPiece this gives the same pieces as
 * tokenizing the packed sequence at once. For decoders every sentence is tokenized as the text after a space
 * (byte-level BPE sees {@code " word"} as inside running text; SentencePiece adds its own {@code ▁} prefix), so the
 * pieces of a packed sequence are those of the running text, and a token that holds only some bytes of a UTF-8
 * character gets a display string ({@link TokenStream#display}) read from the text by its character span.
 */
public final class Chunker {
    private final TextTokenizer tokenizer;
    private final int maxSequenceLength;
    private final long[] prefix;
    private final long[] suffix;
    private final int capacity;
    private final boolean decoder;
    private final boolean leadingSpace;

    /** For an encoder: the special tokens around a text are those its tokenizer adds ([CLS] .. [SEP]). */
    public Chunker(TextTokenizer tokenizer, int maxSequenceLength) {
        this(tokenizer, maxSequenceLength, probeFrame(tokenizer), false);
    }

    /** Sequences framed as {@code model} expects them (BOS for decoders, [CLS]/[SEP] for BERT). */
    public static Chunker forModel(lantern.subject.HookedModel model, int maxSequenceLength) {
        return new Chunker(model.tokenizer(), maxSequenceLength, model.frame(), model.isDecoder());
    }

    public Chunker(TextTokenizer tokenizer, int maxSequenceLength, lantern.subject.HookedModel.SequenceFrame frame,
                   boolean decoder) {
        this.tokenizer = tokenizer;
        this.maxSequenceLength = maxSequenceLength;
        this.decoder = decoder;
        prefix = frame.prefix();
        suffix = frame.suffix();
        capacity = maxSequenceLength - prefix.length - suffix.length;
        if (capacity < 4) throw new IllegalArgumentException("sequence length " + maxSequenceLength + " is too short");
        leadingSpace = decoder && !addsPrefixSpace(tokenizer);
    }

    private static lantern.subject.HookedModel.SequenceFrame probeFrame(TextTokenizer tokenizer) {
        Encoding probe = tokenizer.encode("a", true);
        int lead = 0;
        while (lead < probe.length() && probe.special()[lead]) lead++;
        int trail = 0;
        while (trail < probe.length() - lead && probe.special()[probe.length() - 1 - trail]) trail++;
        return new lantern.subject.HookedModel.SequenceFrame(Arrays.copyOfRange(probe.ids(), 0, lead),
                Arrays.copyOfRange(probe.ids(), probe.length() - trail, probe.length()));
    }

    /** Whether the tokenizer puts a word-boundary marker before a text's first word itself (SentencePiece). */
    static boolean addsPrefixSpace(TextTokenizer tokenizer) {
        Encoding e = tokenizer.encode("a", false);
        for (int i = 0; i < e.length(); i++) {
            if (e.special()[i]) continue;
            String t = e.tokens()[i];
            return !t.isEmpty() && (t.charAt(0) == '\u2581' || Character.isWhitespace(t.charAt(0)));
        }
        return false;
    }

    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    /** Chunks the corpus, stopping before {@code maxTokens} text tokens would be exceeded (≤ 0: no limit). */
    public TokenStream chunk(Corpus corpus, long maxTokens) {
        try (Stream<Document> docs = corpus.documents()) {
            return chunk(docs.iterator(), maxTokens <= 0 ? Long.MAX_VALUE : maxTokens);
        }
    }

    private TokenStream chunk(java.util.Iterator<Document> docs, long maxTokens) {
        Builder b = new Builder();
        outer:
        while (docs.hasNext()) {
            Document doc = docs.next();
            int docIndex = b.doc(doc);
            for (Sentence s : doc.sentences()) {
                Pieces p = pieces(s, b);
                if (b.ids.size() + b.current() + p.size() > maxTokens) {
                    b.flush(docIndex);
                    break outer;
                }
                if (b.current() + p.size() > capacity) b.flush(docIndex);
                int from = 0;
                while (p.size() - from > capacity) {  // a sentence longer than a sequence: cut it
                    int cut = from + capacity;
                    for (int c = cut; c > from + capacity / 2; c--) {
                        if (p.wordStart[c]) { cut = c; break; }
                    }
                    b.append(p, from, cut);
                    b.flush(docIndex);
                    from = cut;
                }
                b.append(p, from, p.size());
            }
            b.flush(docIndex);
        }
        if (b.seqDoc.size() == 0) throw new IllegalArgumentException("the corpus yielded no tokens (max tokens too small?)");
        return b.build(prefix, suffix);
    }

    /** The word pieces of one sentence with their word's tag and word-start flag. */
    Pieces pieces(Sentence s, Builder b) {
        Sentence.Text text = s.text();
        if (leadingSpace) text = text.afterSpace();
        Encoding e = tokenizer.encode(text.text(), false);
        int n = e.length();
        Pieces p = new Pieces(new int[n], new short[n], new boolean[n], new String[n]);
        int previousWord = -1;
        int kept = 0;
        int shownTo = 0;  // text shown so far (decoders): a character split over tokens shows on the first
        for (int i = 0; i < n; i++) {
            if (e.special()[i]) continue;
            if (decoder) {
                String canonical = tokenizer.token(e.ids()[i]);
                if (canonical.indexOf('\uFFFD') >= 0 && e.charStart()[i] >= 0) {
                    int from = Math.max(shownTo, e.charStart()[i]);
                    int to = Math.max(from, e.charEnd()[i]);
                    String chars = text.text().substring(from, to).stripLeading();
                    boolean space = !canonical.isEmpty() && Character.isWhitespace(canonical.charAt(0));
                    p.display[kept] = (space ? " " : "") + chars;
                }
                if (e.charEnd()[i] >= 0) shownTo = Math.max(shownTo, e.charEnd()[i]);
            } else if (e.charStart()[i] >= 0 && e.charEnd()[i] > e.charStart()[i]
                    && UNKNOWN.equals(tokenizer.token(e.ids()[i]))) {
                p.display[kept] = text.text().substring(e.charStart()[i], e.charEnd()[i]);  // a rare character: shown as written
            }
            int word = e.charStart()[i] >= 0 ? text.wordAt(e.charStart()[i]) : -1;
            if (word < 0 && e.charEnd()[i] > 0) word = text.wordAt(e.charEnd()[i] - 1);
            if (word < 0) word = Math.max(previousWord, 0);
            p.ids[kept] = Math.toIntExact(e.ids()[i]);
            p.tags[kept] = b.tag(s.family(word));
            p.wordStart[kept] = word != previousWord;
            previousWord = word;
            kept++;
        }
        return kept == n ? p : new Pieces(Arrays.copyOf(p.ids, kept), Arrays.copyOf(p.tags, kept),
                Arrays.copyOf(p.wordStart, kept), Arrays.copyOf(p.display, kept));
    }

    /** WordPiece's unknown token: a character outside the vocabulary (a rare CJK character) shows as the text had it. */
    private static final String UNKNOWN = "[UNK]";

    record Pieces(int[] ids, short[] tags, boolean[] wordStart, String[] display) {
        int size() {
            return ids.length;
        }
    }

    /** Grows the stream's arrays. */
    static final class Builder {
        final IntList ids = new IntList();
        final IntList tags = new IntList();
        final IntList starts = new IntList();
        final IntList seqStart = new IntList();
        final IntList seqDoc = new IntList();
        final List<String> docIds = new ArrayList<>();
        final List<String> genres = new ArrayList<>();
        final List<String> tagNames = new ArrayList<>();
        final Map<String, Short> tagIndex = new HashMap<>();
        final IntList pendingIds = new IntList();
        final IntList pendingTags = new IntList();
        final IntList pendingStarts = new IntList();
        final Map<Integer, String> display = new HashMap<>();
        final Map<Integer, String> pendingDisplay = new HashMap<>();

        int doc(Document d) {
            docIds.add(d.id());
            genres.add(d.genre());
            return docIds.size() - 1;
        }

        short tag(String family) {
            if (family == null) return -1;
            return tagIndex.computeIfAbsent(family, f -> {
                if (tagNames.size() >= Short.MAX_VALUE) throw new IllegalStateException("too many tag families");
                tagNames.add(f);
                return (short) (tagNames.size() - 1);
            });
        }

        int current() {
            return pendingIds.size();
        }

        void append(Pieces p, int from, int to) {
            for (int i = from; i < to; i++) {
                pendingIds.add(p.ids[i]);
                pendingTags.add(p.tags[i]);
                if (p.display != null && p.display[i] != null) pendingDisplay.put(pendingIds.size() - 1, p.display[i]);
                pendingStarts.add(p.wordStart[i] ? 1 : 0);
            }
        }

        void flush(int docIndex) {
            if (pendingIds.size() == 0) return;
            seqStart.add(ids.size());
            seqDoc.add(docIndex);
            for (var d : pendingDisplay.entrySet()) display.put(ids.size() + d.getKey(), d.getValue());
            pendingDisplay.clear();
            ids.addAll(pendingIds);
            tags.addAll(pendingTags);
            starts.addAll(pendingStarts);
            pendingIds.clear();
            pendingTags.clear();
            pendingStarts.clear();
        }

        TokenStream build(long[] prefix, long[] suffix) {
            int n = ids.size();
            short[] t = new short[n];
            boolean[] ws = new boolean[n];
            for (int i = 0; i < n; i++) {
                t[i] = (short) tags.get(i);
                ws[i] = starts.get(i) != 0;
            }
            int[] ss = Arrays.copyOf(seqStart.toArray(), seqStart.size() + 1);
            ss[ss.length - 1] = n;
            return new TokenStream(ids.toArray(), t, ws, ss, seqDoc.toArray(), tagNames, docIds, genres, prefix, suffix,
                    display);
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[1024];
        private int size;

        void add(int v) {
            if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
            a[size++] = v;
        }

        void addAll(IntList o) {
            for (int i = 0; i < o.size; i++) add(o.a[i]);
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
