package lantern.api.audit;

import lantern.api.audit.FeatureSpace;
import lantern.errors.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which features of the chosen layers an audit covers: {@code "all"}, an inclusive index range {@code "0-99"} (or one
 * index {@code "7"}) applied to every layer, or a seeded random sample {@code {"sample":200,"seed":1}} drawn from all
 * features of those layers. Resolution is deterministic: the same request over the same model gives the same list.
 */
public sealed interface FeatureSelection {
    record All() implements FeatureSelection {
    }

    record Range(int from, int to) implements FeatureSelection {
        public Range {
            if (from < 0 || to < from) throw new InvalidInputException("feature range must be from-to with 0 <= from <= to: " + from + "-" + to);
        }
    }

    record Sample(int size, long seed) implements FeatureSelection {
        public Sample {
            if (size < 1) throw new InvalidInputException("sample size must be >= 1: " + size);
        }
    }

    Pattern RANGE = Pattern.compile("(\\d{1,9})(?:-(\\d{1,9}))?");

    static FeatureSelection parse(JsonNode node) {
        if (node == null || node.isNull()) return new All();
        if (node.isTextual()) {
            String s = node.asText().strip();
            if (s.equals("all")) return new All();
            Matcher m = RANGE.matcher(s);
            if (!m.matches()) throw new InvalidInputException("features must be \"all\", a range like \"0-99\" or {\"sample\":200,\"seed\":1}: " + s);
            int from = Integer.parseInt(m.group(1));
            return new Range(from, m.group(2) == null ? from : Integer.parseInt(m.group(2)));
        }
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("sample") && !f.equals("seed")) throw new InvalidInputException("unknown field in features: " + f);
            }
            JsonNode size = node.get("sample"), seed = node.get("seed");
            if (size == null || !size.isIntegralNumber()) throw new InvalidInputException("features.sample must be an integer");
            if (seed != null && !seed.isIntegralNumber()) throw new InvalidInputException("features.seed must be an integer");
            return new Sample(size.intValue(), seed == null ? 0 : seed.longValue());
        }
        throw new InvalidInputException("features must be \"all\", a range like \"0-99\" or {\"sample\":200,\"seed\":1}");
    }

    /** The request form: "all", "from-to" or {"sample":n,"seed":s}. */
    @com.fasterxml.jackson.annotation.JsonValue
    default JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (this) {
            case All a -> f.textNode("all");
            case Range r -> f.textNode(r.from() + "-" + r.to());
            case Sample s -> {
                ObjectNode o = f.objectNode();
                o.put("sample", s.size());
                o.put("seed", s.seed());
                yield o;
            }
        };
    }

    /** The feature ids in audit order: by layer (in the request's order), then by index. */
    default List<String> resolve(String model, List<Integer> layers, String kind, FeatureSpace space) {
        int[] widths = new int[layers.size()];
        long all = 0;
        for (int i = 0; i < layers.size(); i++) {
            widths[i] = space.width(model, layers.get(i), kind);
            all += widths[i];
        }
        List<String> ids = new ArrayList<>();
        switch (this) {
            case All a -> {
                for (int i = 0; i < layers.size(); i++) for (int j = 0; j < widths[i]; j++) ids.add(id(model, layers.get(i), kind, j));
            }
            case Range r -> {
                for (int i = 0; i < layers.size(); i++) {
                    if (r.to() >= widths[i]) {
                        throw new InvalidInputException("feature range " + r.from() + "-" + r.to() + " exceeds layer "
                                + layers.get(i) + ", which has " + widths[i] + " " + kind + " features");
                    }
                    for (int j = r.from(); j <= r.to(); j++) ids.add(id(model, layers.get(i), kind, j));
                }
            }
            case Sample s -> {
                if (s.size() > all) throw new InvalidInputException("sample of " + s.size() + " is larger than the " + all + " features selected");
                // partial Fisher-Yates over flat positions; java.util.Random's sequence is specified, so seeds are stable
                int[] flat = new int[(int) all];
                for (int i = 0; i < flat.length; i++) flat[i] = i;
                Random random = new Random(s.seed());
                for (int i = 0; i < s.size(); i++) {
                    int j = i + random.nextInt(flat.length - i);
                    int t = flat[i]; flat[i] = flat[j]; flat[j] = t;
                }
                int[] chosen = java.util.Arrays.copyOf(flat, s.size());
                java.util.Arrays.sort(chosen);
                for (int pos : chosen) {
                    int layer = 0, rest = pos;
                    while (rest >= widths[layer]) rest -= widths[layer++];
                    ids.add(id(model, layers.get(layer), kind, rest));
                }
            }
        }
        return ids;
    }

    private static String id(String model, int layer, String kind, int index) {
        return model + "/" + layer + "/" + kind + "/" + index;
    }
}
