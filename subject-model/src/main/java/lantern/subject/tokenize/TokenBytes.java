package lantern.subject.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Tokens shown readably on their own. A byte-level BPE token can hold part of a UTF-8 character (GPT-2's
 * {@code âĢ} is the bytes E2 80, the start of a curly quote): decoded alone it is "�". Here such bytes are written
 * {@code <0xE2>} instead, the valid parts of the token as text.
 */
public final class TokenBytes {
    private TokenBytes() {
    }

    /** Valid UTF-8 runs as text, every byte that is not part of one as {@code <0xHH>}. */
    public static String readable(byte[] b) {
        StringBuilder out = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int len = sequenceLength(b, i);
            if (len > 0) {
                out.append(new String(b, i, len, java.nio.charset.StandardCharsets.UTF_8));
                i += len;
            } else {
                out.append(String.format("<0x%02X>", b[i] & 0xff));
                i++;
            }
        }
        return out.toString();
    }

    /** The length of the well-formed UTF-8 sequence starting at {@code i}; 0 when there is none. */
    private static int sequenceLength(byte[] b, int i) {
        int c = b[i] & 0xff;
        int len;
        int min;
        if (c < 0x80) return 1;
        else if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
        else return 0;
        if (i + len > b.length) return 0;
        int cp = c & (0xff >> (len + 1));
        for (int k = 1; k < len; k++) {
            int x = b[i + k] & 0xff;
            if ((x & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (x & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        return len;
    }

    /** GPT-2's byte ↔ printable-character table (bytes_to_unicode): the inverse, character → byte; -1 for none. */
    private static final int[] CHAR_TO_BYTE = charToByte();

    private static int[] charToByte() {
        int[] map = new int[512];
        java.util.Arrays.fill(map, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[printable ? b : 256 + extra++] = b;
        }
        return map;
    }

    /** The bytes of a byte-level BPE vocabulary entry; null when a character is outside the table. */
    static byte[] byteLevelBytes(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) return null;
            out[i] = (byte) CHAR_TO_BYTE[c];
        }
        return out;
    }

    /**
     * The vocabulary entries of a byte-level BPE {@code tokenizer.json} by id (null entries for ids it does not
     * list); null when the file's decoder is not byte-level (WordPiece, SentencePiece-style) or it cannot be read.
     */
    static String[] byteLevelVocab(Path tokenizerJson) {
        try {
            JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
            if (!isByteLevel(root.path("decoder"))) return null;
            JsonNode vocab = root.path("model").path("vocab");
            if (!vocab.isObject()) return null;
            int max = -1;
            for (JsonNode id : vocab) max = Math.max(max, id.asInt());
            String[] byId = new String[max + 1];
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                var e = it.next();
                int id = e.getValue().asInt();
                if (id >= 0) byId[id] = e.getKey();
            }
            return byId;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isByteLevel(JsonNode decoder) {
        if ("ByteLevel".equals(decoder.path("type").asText())) return true;
        for (JsonNode d : decoder.path("decoders")) if (isByteLevel(d)) return true;
        return false;
    }
}
