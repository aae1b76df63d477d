package lantern.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt templates from {@code src/main/resources/prompts/*.txt} with {@code {{name}}} placeholders. Values are
 * inserted once, left to right, never re-scanned: text from the corpus cannot smuggle in a placeholder.
 */
public final class Prompts {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Prompts() {
    }

    public static String template(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = Prompts.class.getClassLoader().getResourceAsStream("prompts/" + n + ".txt")) {
                if (in == null) throw new IllegalStateException("prompt template prompts/" + n + ".txt is not on the class path");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public static String render(String name, Map<String, String> values) {
        String t = template(name);
        Matcher m = PLACEHOLDER.matcher(t);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("prompt " + name + " needs a value for {{" + m.group(1) + "}}");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A token as shown in a prompt line: tabs, newlines and backslashes escaped so one token stays one line. */
    public static String showToken(String token) {
        StringBuilder b = new StringBuilder(token.length());
        for (char c : token.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.toString();
    }
}
