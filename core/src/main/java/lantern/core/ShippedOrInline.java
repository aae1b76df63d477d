package lantern.core;

import com.fasterxml.jackson.databind.JsonNode;
import lantern.errors.InvalidInputException;

import java.util.function.Function;

/**
 * Where an input Lantern also ships (an in-context task, a relation) comes from: a shipped name only (REST never reads
 * paths), a shipped name else a file (the CLI's), or the JSON inline (REST's).
 *
 * @param files  whether {@code name} may also be a file path
 * @param inline the JSON given inline, or null when named
 */
public record ShippedOrInline(String name, boolean files, JsonNode inline) {
    public static ShippedOrInline shipped(String name) {
        return new ShippedOrInline(name, false, null);
    }

    public static ShippedOrInline nameOrFile(String nameOrPath) {
        return new ShippedOrInline(nameOrPath, true, null);
    }

    public static ShippedOrInline inline(JsonNode json) {
        return new ShippedOrInline(null, false, json);
    }

    /**
     * The input of a request that may name it ({@code nameField}) or give it inline ({@code inlineField}, shaped as
     * {@code shape} says): exactly one of the two.
     */
    public static ShippedOrInline of(JsonNode inline, String name, String inlineField, String nameField, String shape) {
        if (inline != null && !inline.isNull()) {
            if (name != null) throw new InvalidInputException("give \"" + inlineField + "\" or \"" + nameField + "\", not both");
            return inline(inline);
        }
        if (name != null) return shipped(name);
        throw new InvalidInputException("\"" + inlineField + "\" (" + shape + ") or \"" + nameField + "\" is required");
    }

    /** Reads the input: {@code nameOrFile} for a CLI name, {@code shippedOnly} for a REST name, {@code parse} inline. */
    public <T> T read(Function<String, T> nameOrFile, Function<String, T> shippedOnly, Function<JsonNode, T> parse) {
        if (inline != null) return parse.apply(inline);
        return files ? nameOrFile.apply(name) : shippedOnly.apply(name);
    }
}
