package lantern.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fits a byte-level BPE vocabulary (GPT-2's scheme: bytes shown as printable characters, pieces split by GPT-2's
 * pre-tokenizer pattern, merges learned greedily by pair count) and writes it as a Hugging Face {@code
 * tokenizer.json}. Byte-level means no unknown token: any text encodes, and decoding gives the exact bytes back.
 *
 * <p>Ids: 0 {@code <|unk|>} (never produced), 1 {@code <|endoftext|>} (separates documents; llama2.c's BOS), 2
 * {@code <|pad|>} (llama2.c's EOS slot), 3..258 the 256 bytes, then one token per merge in the order learned. Ties
 * between equally frequent pairs go to the smaller (left, right) ids, so the same text gives the same vocabulary.
 */
public final class BpeTrainer {
    public static final int UNK = 0;
    public static final int END_OF_TEXT = 1;
    public static final int PAD = 2;
    public static final int FIRST_BYTE = 3;
    public static final String[] SPECIALS = {"<|unk|>", "<|endoftext|>", "<|pad|>"};
    /** GPT-2's pre-tokenizer pattern, as the Hugging Face ByteLevel pre-tokenizer applies it. */
    static final Pattern PIECES = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** The learned vocabulary: token strings (byte-level alphabet) by id, and the merges in rank order. */
    public record Vocabulary(List<String> tokens, List<int[]> merges) {
        public int size() {
            return tokens.size();
        }
    }

    private BpeTrainer() {
    }

    /** GPT-2's bytes_to_unicode: byte b is shown as this character. */
    public static char[] byteChars() {
        char[] out = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (direct[b]) {
                out[b] = (char) b;
            } else {
                out[b] = (char) (256 + n++);
            }
        }
        return out;
    }

    /** Learns merges until the vocabulary holds {@code vocabSize} tokens (or no pair occurs twice). */
    public static Vocabulary train(Iterable<String> texts, int vocabSize) {
        int base = FIRST_BYTE + 256;
        if (vocabSize < base) throw new IllegalArgumentException("vocabulary size must be at least " + base);
        // piece -> count
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            Matcher m = PIECES.matcher(text);
            while (m.find()) counts.merge(m.group(), 1, Integer::sum);
        }
        List<String> pieceList = new ArrayList<>(counts.keySet());
        pieceList.sort(null); // a fixed order: HashMap iteration order must not decide anything
        int n = pieceList.size();
        int[][] words = new int[n][];
        int[] freq = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] bytes = pieceList.get(i).getBytes(StandardCharsets.UTF_8);
            words[i] = new int[bytes.length];
            for (int j = 0; j < bytes.length; j++) words[i][j] = FIRST_BYTE + (bytes[j] & 0xFF);
            freq[i] = counts.get(pieceList.get(i));
        }
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (int i = 0; i < n; i++) addPairs(words[i], freq[i], i, pairCount, pairWords);

        List<String> tokens = new ArrayList<>(List.of(SPECIALS));
        char[] bc = byteChars();
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(bc[b]));
        List<int[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize) {
            long best = -1;
            long bestCount = 1;
            for (var e : pairCount.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && best != -1 && Long.compareUnsigned(e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == -1) break;
            int a = (int) (best >>> 32);
            int b = (int) best;
            int id = tokens.size();
            tokens.add(tokens.get(a) + tokens.get(b));
            merges.add(new int[]{a, b});
            Set<Integer> affected = pairWords.remove(best);
            List<Integer> sorted = new ArrayList<>(affected);
            sorted.sort(null);
            for (int w : sorted) {
                int[] old = words[w];
                if (!contains(old, a, b)) continue;
                addPairs(old, -freq[w], -1, pairCount, null);
                int[] merged = merge(old, a, b, id);
                words[w] = merged;
                addPairs(merged, freq[w], w, pairCount, pairWords);
            }
            pairCount.remove(best);
        }
        return new Vocabulary(List.copyOf(tokens), List.copyOf(merges));
    }

    private static boolean contains(int[] w, int a, int b) {
        for (int i = 0; i + 1 < w.length; i++) if (w[i] == a && w[i + 1] == b) return true;
        return false;
    }

    private static int[] merge(int[] w, int a, int b, int id) {
        int[] out = new int[w.length];
        int k = 0;
        for (int i = 0; i < w.length; i++) {
            if (i + 1 < w.length && w[i] == a && w[i + 1] == b) {
                out[k++] = id;
                i++;
            } else {
                out[k++] = w[i];
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    private static void addPairs(int[] w, long f, int word, Map<Long, Long> pairCount, Map<Long, Set<Integer>> pairWords) {
        for (int i = 0; i + 1 < w.length; i++) {
            long key = ((long) w[i] << 32) | (w[i + 1] & 0xFFFFFFFFL);
            long c = pairCount.merge(key, f, Long::sum);
            if (c == 0) pairCount.remove(key);
            if (pairWords != null) pairWords.computeIfAbsent(key, k -> new HashSet<>()).add(word);
        }
    }

    /** Writes the vocabulary as a Hugging Face tokenizer.json (BPE model, ByteLevel pre-tokenizer and decoder). */
    public static void writeTokenizerJson(Vocabulary v, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIALS.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", SPECIALS[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        // Encoding with special tokens puts <|endoftext|> first, as every training document starts after one.
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        for (String kind : new String[]{"single", "pair"}) {
            ArrayNode seq = post.putArray(kind);
            seq.addObject().putObject("SpecialToken").put("id", SPECIALS[END_OF_TEXT]).put("type_id", 0);
            seq.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            if (kind.equals("pair")) seq.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        }
        ObjectNode st = post.putObject("special_tokens").putObject(SPECIALS[END_OF_TEXT]);
        st.put("id", SPECIALS[END_OF_TEXT]);
        st.putArray("ids").add(END_OF_TEXT);
        st.putArray("tokens").add(SPECIALS[END_OF_TEXT]);
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", false);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < v.tokens().size(); i++) vocab.put(v.tokens().get(i), i);
        ArrayNode merges = model.putArray("merges");
        for (int[] m : v.merges()) merges.add(v.tokens().get(m[0]) + " " + v.tokens().get(m[1]));
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".tokenizer", ".tmp");
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            lantern.subject.safetensors.SafetensorsWriter.readableByAll(tmp);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The raw bytes of a token (specials as their UTF-8 text), for exports that store bytes. */
    public static byte[] tokenBytes(String token) {
        for (String s : SPECIALS) if (s.equals(token)) return s.getBytes(StandardCharsets.UTF_8);
        char[] bc = byteChars();
        int[] inverse = new int[512];
        java.util.Arrays.fill(inverse, -1);
        for (int b = 0; b < 256; b++) inverse[bc[b]] = b;
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) out[i] = (byte) inverse[token.charAt(i)];
        return out;
    }
}
