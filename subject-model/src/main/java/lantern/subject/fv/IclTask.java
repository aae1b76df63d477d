package lantern.subject.fv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lantern.errors.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-context task as input → output pairs, in the format of the function-vector paper's data files (a JSON list
 * of {@code {"input", "output"}}); an object {@code {"name", "pairs": [...]}} is accepted too.
 */
public record IclTask(String name, List<Pair> pairs) {
    public static final int MAX_PAIRS = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Pair(String input, String output) {
    }

    public IclTask {
        if (pairs == null || pairs.isEmpty()) throw new InvalidInputException("task has no input/output pairs");
        if (pairs.size() > MAX_PAIRS) {
            throw new InvalidInputException("task has " + pairs.size() + " pairs, at most " + MAX_PAIRS);
        }
        for (Pair p : pairs) {
            if (p == null || p.input() == null || p.input().isBlank() || p.output() == null || p.output().isBlank()) {
                throw new InvalidInputException("every pair needs a non-empty \"input\" and \"output\"");
            }
        }
        pairs = List.copyOf(pairs);
        name = name == null || name.isBlank() ? "task" : name;
    }

    public static IclTask read(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        try {
            return parse(JSON.readTree(Files.readString(file)), name);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read task file " + file + ": " + e.getMessage(), e);
        }
    }

    public static IclTask parse(JsonNode node, String fallbackName) {
        String name = fallbackName;
        JsonNode list = node;
        if (node != null && node.isObject()) {
            if (node.path("name").isTextual()) name = node.get("name").asText();
            list = node.get("pairs");
        }
        if (list == null || !list.isArray()) {
            throw new InvalidInputException("a task is a JSON list of {\"input\", \"output\"} (or {\"name\", \"pairs\"})");
        }
        List<Pair> pairs = new ArrayList<>();
        for (JsonNode p : list) {
            if (!p.isObject() || !scalar(p.get("input")) || !scalar(p.get("output"))) {
                String s = p.toString();
                throw new InvalidInputException("each pair must be {\"input\": string, \"output\": string}, got "
                        + (s.length() > 80 ? s.substring(0, 77) + "..." : s));
            }
            pairs.add(new Pair(p.get("input").asText(), p.get("output").asText()));
        }
        return new IclTask(name, pairs);
    }

    /** Strings, and numbers as the paper's files sometimes hold them. */
    private static boolean scalar(JsonNode n) {
        return n != null && (n.isTextual() || n.isNumber());
    }
}
