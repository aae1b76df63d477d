package lantern.subject.lens;

import lantern.errors.InvalidInputException;

/**
 * How a source hidden state is carried into the target model: unchanged ({@code identity}, same width) or through
 * an affine map {@code W h + b} with {@code W} shaped [target width][source width].
 */
public sealed interface StateMapping {
    float[] apply(float[] h, int targetWidth);

    record Identity() implements StateMapping {
        @Override
        public float[] apply(float[] h, int targetWidth) {
            if (h.length != targetWidth) {
                throw new InvalidInputException("identity mapping needs equal widths, but the source state has "
                        + h.length + " dimensions and the target model " + targetWidth + ": give an affine mapping");
            }
            return h.clone();
        }
    }

    record Affine(float[][] weight, float[] bias) implements StateMapping {
        public Affine {
            if (weight == null || weight.length == 0) throw new InvalidInputException("affine weight is empty");
            int in = weight[0] == null ? 0 : weight[0].length;
            for (float[] row : weight) {
                if (row == null || row.length != in || in == 0) {
                    throw new InvalidInputException("affine weight rows must all have the same, non-zero length");
                }
            }
            if (bias != null && bias.length != weight.length) {
                throw new InvalidInputException("affine bias has " + bias.length + " entries, weight has "
                        + weight.length + " rows");
            }
        }

        @Override
        public float[] apply(float[] h, int targetWidth) {
            if (weight.length != targetWidth || weight[0].length != h.length) {
                throw new InvalidInputException("affine weight is " + weight.length + "x" + weight[0].length
                        + " but must be " + targetWidth + "x" + h.length + " (target width x source width)");
            }
            float[] out = new float[targetWidth];
            for (int i = 0; i < targetWidth; i++) {
                double acc = bias == null ? 0 : bias[i];
                for (int j = 0; j < h.length; j++) acc += (double) weight[i][j] * h[j];
                out[i] = (float) acc;
            }
            return out;
        }
    }
}
