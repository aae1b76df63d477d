package lantern.collect;

import static org.assertj.core.api.Assertions.assertThat;

/** Two collection results hold the same arrays, bit for bit (floats compared by their bits, not by ==). */
final class SameResult {
    private SameResult() {
    }

    static void assertSame(CollectionResult actual, CollectionResult expected) {
        assertThat(actual.layers()).containsExactly(expected.layers());
        assertThat(actual.width()).isEqualTo(expected.width());
        assertThat(actual.randomWindows()).isEqualTo(expected.randomWindows());
        assertThat(actual.layerResults()).hasSameSizeAs(expected.layerResults());
        for (int i = 0; i < expected.layerResults().size(); i++) {
            LayerResult a = actual.layerResults().get(i), e = expected.layerResults().get(i);
            String l = "layer " + e.layer + " ";
            assertThat(a.layer).isEqualTo(e.layer);
            assertThat(bits(a.max)).as(l + "max").containsExactly(bits(e.max));
            assertThat(bits(a.mean)).as(l + "mean").containsExactly(bits(e.mean));
            assertThat(bits(a.fractionPositive)).as(l + "fraction positive").containsExactly(bits(e.fractionPositive));
            assertThat(bits(a.quantiles)).as(l + "quantiles").containsExactly(bits(e.quantiles));
            assertThat(bits(a.randomActivations)).as(l + "random windows").containsExactly(bits(e.randomActivations));
            assertSlots(a.top, e.top, l + "top windows");
            assertSlots(a.quantileWindows, e.quantileWindows, l + "quantile windows");
        }
    }

    private static void assertSlots(LayerResult.Slots a, LayerResult.Slots e, String what) {
        assertThat(a.seq).as(what + " sequences").containsExactly(e.seq);
        assertThat(a.start).as(what + " starts").containsExactly(e.start);
        assertThat(a.length).as(what + " lengths").containsExactly(e.length);
        assertThat(bits(a.value)).as(what + " values").containsExactly(bits(e.value));
        assertThat(bits(a.activations)).as(what + " activations").containsExactly(bits(e.activations));
    }

    private static int[] bits(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) out[i] = Float.floatToRawIntBits(a[i]);
        return out;
    }
}
