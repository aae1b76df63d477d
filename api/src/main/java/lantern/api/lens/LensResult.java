package lantern.api.lens;

import java.util.List;

/** The logit lens at one position: per layer, the top-k tokens of softmax(W_U · LN_final(resid_post_l)). */
public record LensResult(String model, List<String> tokens, int position, List<Layer> layers) {
    public record Layer(int layer, List<TokenProb> top) {
    }
}
