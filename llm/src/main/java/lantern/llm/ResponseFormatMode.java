package lantern.llm;

import java.util.Locale;

/** How a JSON answer is asked for: {@code response_format} json_schema, json_object, or only by the prompt. */
public enum ResponseFormatMode {
    JSON_SCHEMA, JSON_OBJECT, NONE;

    /** The next weaker mode, tried once when the server rejects this one. */
    public ResponseFormatMode weaker() {
        return this == JSON_SCHEMA ? JSON_OBJECT : NONE;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResponseFormatMode parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
