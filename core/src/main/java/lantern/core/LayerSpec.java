package lantern.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Layer selections as users type them: "0-5", "1,3,4", "2"; blank means every layer. */
public final class LayerSpec {
    private LayerSpec() {
    }

    /** Parses a layer spec without knowing the model; empty for "all" (null or blank). */
    public static List<Integer> list(String spec) {
        if (spec == null || spec.isBlank()) return List.of();
        return Arrays.stream(parse(spec, Integer.MAX_VALUE)).boxed().toList();
    }

    /** Parses "0-5", "1,3,4" or "2"; blank gives 0 .. modelLayers-1. */
    public static int[] parse(String spec, int modelLayers) {
        if (spec == null || spec.isBlank()) return IntStream.range(0, modelLayers).toArray();
        List<Integer> out = new ArrayList<>();
        try {
            for (String part : spec.split(",")) {
                String p = part.strip();
                int dash = p.indexOf('-');
                if (dash > 0) {
                    int a = Integer.parseInt(p.substring(0, dash).strip()), b = Integer.parseInt(p.substring(dash + 1).strip());
                    if (b < a) throw new IllegalArgumentException("empty layer range: " + p);
                    for (int l = a; l <= b; l++) out.add(l);
                } else {
                    out.add(Integer.parseInt(p));
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layers must look like 0-5 or 1,3: " + spec);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
