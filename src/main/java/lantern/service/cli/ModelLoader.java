package lantern.service.cli;

import lantern.subject.EncoderModel;
import lantern.subject.HookedModel;
import lantern.subject.bert.MiniLm;

/** The subject models the collection commands can load by id. */
final class ModelLoader {
    private ModelLoader() {
    }

    /** An embedded encoder (MiniLM, bge-small-zh): what the sentence-embedding commands take. */
    static EncoderModel load(String id) {
        if (EncoderModel.MINILM_ID.equals(id)) return MiniLm.load();
        var embedded = lantern.subject.bert.EmbeddedEncoder.byId(id);
        if (embedded.isPresent()) return embedded.get().load();
        throw new IllegalArgumentException("unknown encoder '" + id + "' (this command supports: " + lantern.subject.bert.EmbeddedEncoder.ids() + ")");
    }

    /**
     * MiniLM or a decoder: a name registered with {@code lantern models add}, a Hugging Face folder or a llama2.c
     * {@code .bin}.
     */
    static HookedModel loadHooked(String id, java.nio.file.Path dataDir) {
        if (EncoderModel.MINILM_ID.equals(id)) return MiniLm.load();
        var embedded = lantern.subject.bert.EmbeddedEncoder.byId(id);
        if (embedded.isPresent()) return embedded.get().load();
        try {
            return lantern.subject.decoder.DecoderModels.load(id, dataDir);
        } catch (java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("unknown model '" + id + "': use " + lantern.subject.bert.EmbeddedEncoder.ids()
                    + ", a name registered with 'lantern models add', or a model folder / llama2.c .bin");
        }
    }

    /** Parses a layer spec without knowing the model; empty for "all" (null or blank). */
    static java.util.List<Integer> layerList(String spec) {
        if (spec == null || spec.isBlank()) return java.util.List.of();
        return java.util.Arrays.stream(layers(spec, Integer.MAX_VALUE)).boxed().toList();
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
