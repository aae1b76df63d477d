package lantern.subject.lre;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import lantern.subject.HookNames;
import lantern.subject.HookPass;
import lantern.subject.Hooks;
import lantern.subject.decoder.DecoderModel;

/**
 * The first-order approximation of a decoder between the subject's hidden state {@code h} (resid_post of layer L at
 * the subject's last token) and the object state {@code z} (resid_post of the last layer at the last token), as the
 * reference's {@code order_1_approx}: {@code W = dz/dh} (the Jacobian, exact, by PyTorch autograd through our own
 * forward pass) and {@code b = z - W h}.
 *
 * <p>All rows of the Jacobian come from batched passes: row i of a batch gets its own copy of {@code h} (a leaf that
 * records its gradient) and the objective sums {@code z_row[i]} of each row, so one backward pass gives {@code rows}
 * rows of {@code W}.
 */
public final class FirstOrder {
    /** Rows of the Jacobian per forward + backward pass. */
    static final int CHUNK = 64;

    /** h, z (each d) and the Jacobian W (d x d, row-major: W[i*d + j] = dz_i / dh_j). */
    public record Approx(float[] h, float[] z, float[] weight, float[] bias) {
    }

    private FirstOrder() {
    }

    public static Approx at(DecoderModel model, long[] ids, int layer, int position) {
        int d = model.config().dModel();
        int t = ids.length;
        String hName = HookNames.residPost(layer);
        String zName = HookNames.residPost(model.config().layers() - 1);
        float[] h, z;
        try (NDManager m = model.manager().newSubManager()) {
            Hooks hooks = Hooks.none().cache(hName, zName);
            HookPass pass = hooks.start();
            model.forward(m, new long[][]{ids}, null, pass);
            h = pass.get(hName).get(new NDIndex("0, {}", position)).toFloatArray();
            z = pass.get(zName).get(new NDIndex("0, {}", t - 1)).toFloatArray();
        }
        float[] w = new float[d * d];
        for (int start = 0; start < d; start += CHUNK) {
            int b = Math.min(CHUNK, d - start);
            float[] rows = jacobianRows(model, ids, layer, position, h, start, b);
            System.arraycopy(rows, 0, w, start * d, b * d);
        }
        float[] bias = new float[d];
        for (int i = 0; i < d; i++) {
            double x = z[i];
            for (int j = 0; j < d; j++) x -= (double) w[i * d + j] * h[j];
            bias[i] = (float) x;
        }
        return new Approx(h, z, w, bias);
    }

    /** Rows start .. start + b - 1 of dz/dh. */
    private static float[] jacobianRows(DecoderModel model, long[] ids, int layer, int position, float[] h,
                                        int start, int b) {
        int d = h.length;
        int t = ids.length;
        String zName = HookNames.residPost(model.config().layers() - 1);
        long[][] batch = new long[b][];
        for (int r = 0; r < b; r++) batch[r] = ids;
        float[] tiled = new float[b * d];
        float[] pick = new float[b * d];
        for (int r = 0; r < b; r++) {
            System.arraycopy(h, 0, tiled, r * d, d);
            pick[r * d + start + r] = 1f;
        }
        try (NDManager m = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray hb = m.create(tiled, new Shape(b, 1, d));
            hb.setRequiresGradient(true);
            Hooks hooks = Hooks.none()
                    .replace(HookNames.residPost(layer), x -> insert(x, hb, position))
                    .cache(zName);
            HookPass pass = hooks.start();
            model.forward(m, batch, null, pass);
            NDArray zLast = pass.get(zName).get(new NDIndex(":, {}, :", t - 1)); // [b, d]
            NDArray objective = zLast.mul(m.create(pick, new Shape(b, d))).sum();
            gc.backward(objective);
            return hb.getGradient().toFloatArray();
        }
    }

    /** x [b, t, d] with position {@code p} replaced by {@code h} [b, 1, d], differentiably. */
    static NDArray insert(NDArray x, NDArray h, int p) {
        long t = x.getShape().get(1);
        NDArray out = h;
        if (p > 0) out = x.get(new NDIndex(":, 0:{}, :", p)).concat(out, 1);
        if (p < t - 1) out = out.concat(x.get(new NDIndex(":, {}:, :", p + 1)), 1);
        return out;
    }
}
