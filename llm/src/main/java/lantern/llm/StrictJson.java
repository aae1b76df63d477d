package lantern.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads an LLM's JSON answer strictly: one JSON object, nothing before or after it (a single ```json fence is
 * tolerated, also when prose surrounds it, but only if it is the answer's only fenced block), exactly the expected keys, no duplicates, values of the expected type. Anything else is a
 * {@link MalformedAnswerException}; nothing is coerced or defaulted.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private StrictJson() {
    }

    public static JsonNode object(String text, Set<String> keys) throws MalformedAnswerException {
        String s = unfence(text.strip());
        JsonNode node;
        try {
            node = MAPPER.readTree(s);
        } catch (Exception e) {
            throw new MalformedAnswerException("not a single JSON value: " + abbreviate(s));
        }
        if (node == null || !node.isObject()) throw new MalformedAnswerException("not a JSON object: " + abbreviate(s));
        Set<String> seen = new java.util.HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) seen.add(it.next());
        if (!seen.equals(keys)) throw new MalformedAnswerException("expected keys " + keys + " but got " + seen);
        return node;
    }

    /** An array of exactly {@code n} integers in [lo, hi] (integral JSON numbers only: 3.0 and "3" are rejected). */
    public static int[] intArray(JsonNode node, int n, int lo, int hi) throws MalformedAnswerException {
        if (node == null || !node.isArray()) throw new MalformedAnswerException("expected an array");
        if (node.size() != n) throw new MalformedAnswerException("expected " + n + " values but got " + node.size());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < lo || v.intValue() > hi) {
                throw new MalformedAnswerException("value " + i + " is not an integer in " + lo + ".." + hi + ": " + v);
            }
            out[i] = v.intValue();
        }
        return out;
    }

    public static List<Boolean> boolArray(JsonNode node, int n) throws MalformedAnswerException {
        if (node == null || !node.isArray()) throw new MalformedAnswerException("expected an array");
        if (node.size() != n) throw new MalformedAnswerException("expected " + n + " answers but got " + node.size());
        List<Boolean> out = new ArrayList<>(n);
        for (JsonNode v : node) {
            if (!v.isBoolean()) throw new MalformedAnswerException("expected true or false: " + v);
            out.add(v.booleanValue());
        }
        return out;
    }

    private static final java.util.regex.Pattern FENCE = java.util.regex.Pattern.compile("```([A-Za-z]*)[ \\t]*\\R(.*?)```", java.util.regex.Pattern.DOTALL);

    private static String unfence(String s) throws MalformedAnswerException {
        if (s.startsWith("{") || !s.contains("```")) return s;
        // a fenced block, alone or inside prose: accept it only when it is the answer's one fenced block
        java.util.regex.Matcher m = FENCE.matcher(s);
        String block = null;
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String lang = m.group(1);
            if (lang.isEmpty() || lang.equalsIgnoreCase("json")) block = m.group(2).strip();
        }
        if (blocks > 1) throw new MalformedAnswerException("the answer holds " + blocks + " fenced blocks; expected one JSON object");
        return block != null ? block : s;
    }

    static String abbreviate(String s) {
        s = s.replaceAll("\\s+", " ");
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
