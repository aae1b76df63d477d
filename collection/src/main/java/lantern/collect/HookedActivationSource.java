package lantern.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.HookedModel;

import java.util.ArrayList;
import java.util.List;

/**
 * MLP neurons ({@code blocks.{l}.mlp.hook_post}) of any hooked model (BERT: GELU output; GPT-2: GELU output; Llama:
 * {@code act(gate) * up}, the input of the down projection), caching only the layers asked for.
 */
public final class HookedActivationSource implements ActivationSource {
    private final HookedModel model;

    public HookedActivationSource(HookedModel model) {
        this.model = model;
    }

    @Override
    public String modelId() {
        return model.info().id();
    }

    @Override
    public int layers() {
        return model.info().layers();
    }

    @Override
    public int width() {
        return model.info().neuronsPerLayer();
    }

    @Override
    public NDManager manager() {
        return model.manager();
    }

    @Override
    public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
        Hooks hooks = new Hooks();
        for (int l : layers) hooks.cache(HookNames.mlpPost(l));
        var cache = model.run(m, ids, lengths, hooks).cache();
        List<NDArray> out = new ArrayList<>(layers.length);
        for (int l : layers) out.add(cache.get(HookNames.mlpPost(l)));
        return out;
    }

    /**
     * Hands each layer to {@code sink} from inside its hook, so nothing is cached: the layer's activations die with
     * the block's temporaries and the next block reuses that memory (caching all 12 layers of GPT-2 small kept
     * 12 fresh 25 MB tensors a batch of 32 × 64 tokens alive to the end of the pass, each page faulted in anew).
     */
    @Override
    public void neurons(NDManager m, long[][] ids, int[] lengths, int[] layers, LayerSink sink) {
        Hooks hooks = new Hooks();
        boolean[] seen = new boolean[layers.length];
        for (int i = 0; i < layers.length; i++) {
            int index = i;
            hooks.replace(HookNames.mlpPost(layers[i]), a -> {
                seen[index] = true;
                sink.accept(index, a);
                return a;
            });
        }
        model.run(m, ids, lengths, hooks);
        for (int i = 0; i < layers.length; i++) {
            if (!seen[i]) throw new IllegalStateException(model.info().id() + " never reached " + HookNames.mlpPost(layers[i]));
        }
    }
}
