package lantern.train;

import lantern.corpus.BrownCorpus;
import lantern.corpus.Document;
import lantern.corpus.Sentence;
import lantern.subject.TextTokenizer;
import lantern.train.BpeTrainer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Brown split by file for language modelling: of the 500 files in name order, every 20th (index 10, 30, ...: 25
 * files, 5%, spread over the genres) is held out for validation and never trained on. A document's text is its
 * sentences ({@link Sentence#text()}) joined by single spaces.
 */
public record BrownSplit(List<String> trainIds, List<String> heldOutIds, List<String> train, List<String> heldOut) {
    public static final int HOLD_OUT_EVERY = 20;
    public static final int HOLD_OUT_OFFSET = 10;

    /** Whether the file at this index (name order) is held out: the one Brown split of every trainer. */
    public static boolean heldOut(int fileIndex) {
        return fileIndex % HOLD_OUT_EVERY == HOLD_OUT_OFFSET;
    }

    public static BrownSplit load(Path dataDir) {
        return load(dataDir, 0);
    }

    /** The split of the first {@code maxFiles} files (0: all 500; fewer make tiny runs for tests). */
    public static BrownSplit load(Path dataDir, int maxFiles) {
        BrownCorpus corpus = new BrownCorpus(dataDir.resolve("corpora").resolve("brown"));
        List<String> trainIds = new ArrayList<>(), heldIds = new ArrayList<>();
        List<String> train = new ArrayList<>(), held = new ArrayList<>();
        List<Path> files = corpus.files();
        if (maxFiles > 0) files = files.subList(0, Math.min(maxFiles, files.size()));
        for (int i = 0; i < files.size(); i++) {
            Document d = BrownCorpus.read(files.get(i));
            String text = text(d);
            if (heldOut(i)) {
                heldIds.add(d.id());
                held.add(text);
            } else {
                trainIds.add(d.id());
                train.add(text);
            }
        }
        return new BrownSplit(trainIds, heldIds, train, held);
    }

    public static String text(Document d) {
        StringBuilder sb = new StringBuilder();
        for (Sentence s : d.sentences()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(s.text().text());
        }
        return sb.toString();
    }

    /** Documents as one token stream, each preceded by {@code <|endoftext|>}. */
    public static int[] stream(List<String> docs, TextTokenizer tokenizer) {
        List<long[]> parts = new ArrayList<>();
        int n = 0;
        for (String d : docs) {
            long[] ids = tokenizer.encode(d, false).ids();
            parts.add(ids);
            n += ids.length + 1;
        }
        int[] out = new int[n];
        int k = 0;
        for (long[] ids : parts) {
            out[k++] = BpeTrainer.END_OF_TEXT;
            for (long id : ids) out[k++] = Math.toIntExact(id);
        }
        return out;
    }

    /** SHA-256 of token streams (int32 little-endian, one after another), hex. */
    public static String sha256(int[]... streams) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int[] s : streams) {
                ByteBuffer b = ByteBuffer.allocate(4 * s.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(s);
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
