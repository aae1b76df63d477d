package lantern.subject.transcoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import lantern.subject.Hooks;

import java.nio.file.Path;

/**
 * Transcoder features as Lantern features. A set named {@code NAME} gives the feature kind {@code tc-NAME}, so
 * feature {@code i} of layer {@code l} is {@code {model}/{l}/tc-NAME/{i}} (read from
 * {@code {data}/transcoders/{model}/NAME/{l}/}). The same id names the feature on its web page, in REST, in the CLI
 * and as an attribution graph's feature node ({@code {l}_{i}_{pos}} of a graph built with set NAME).
 *
 * <p>A feature's activation is the transcoder's encoder on {@code blocks.{l}.mlp.hook_in}; what it does is its
 * decoder row written into {@code blocks.{l}.hook_mlp_out}.
 */
public final class TranscoderFeatures {
    public static final String PREFIX = "tc-";

    private TranscoderFeatures() {
    }

    /** The feature kind of a transcoder set. */
    public static String kind(String set) {
        return PREFIX + set;
    }

    public static boolean isKind(String kind) {
        return kind != null && kind.startsWith(PREFIX) && kind.length() > PREFIX.length();
    }

    /** The set's name in a kind {@code tc-NAME}. */
    public static String set(String kind) {
        if (!isKind(kind)) throw new IllegalArgumentException("not a transcoder feature kind (tc-NAME): " + kind);
        return kind.substring(PREFIX.length());
    }

    /** The folder of one layer's transcoder of a {@code tc-NAME} kind. */
    public static Path folder(Path dataDir, String model, int layer, String kind) {
        if (layer < 0) throw new lantern.errors.InvalidInputException("layer must be >= 0: " + layer);
        return TranscoderSet.layerDir(dataDir, model, set(kind), layer);
    }

    /**
     * Zero-ablates one feature in the real model, the transcoder's error term kept: the MLP's own output minus
     * {@code a_i(x) W_dec[i]}, where {@code a_i(x)} is the feature's activation on the MLP input of this run (the
     * encoder reads {@code mlp.hook_in} as the run passes it, then {@code hook_mlp_out} is changed). Works on any
     * batch; adds two hooks to {@code hooks}.
     */
    public static Hooks ablate(Transcoder t, int feature, Hooks hooks) {
        float[] row = t.decoderRow(feature);  // checks the index
        NDArray[] input = new NDArray[1];
        hooks.replace(t.hookIn(), a -> {
            input[0] = a;
            return a;
        });
        hooks.replace(t.hookOut(), out -> {
            if (input[0] == null) throw new IllegalStateException(t.hookIn() + " was not reached before " + t.hookOut());
            NDArray act = t.encode(input[0]).get(new NDIndex("..., {}:{}", feature, feature + 1));  // [..., 1]
            NDArray w = out.getManager().create(row).toType(out.getDataType(), false);
            input[0] = null;
            return out.sub(act.toType(out.getDataType(), false).mul(w));
        });
        return hooks;
    }
}
