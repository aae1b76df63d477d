package lantern.service.cli;

import lantern.subject.bert.BertModel;

/** The subject models the collection commands can load by id. */
final class ModelLoader {
    private ModelLoader() {
    }

    static BertModel load(String id) {
        if (BertModel.MINILM_ID.equals(id)) return BertModel.loadMiniLm();
        throw new IllegalArgumentException("unknown model '" + id + "' (collection supports: " + BertModel.MINILM_ID + ")");
    }

    /** Parses "0-5", "1,3,4" or "2". */
    static int[] layers(String spec, int modelLayers) {
        if (spec == null || spec.isBlank()) return java.util.stream.IntStream.range(0, modelLayers).toArray();
        java.util.List<Integer> out = new java.util.ArrayList<>();
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
