package lantern.explainer.collect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.subject.HookNames;
import lantern.subject.Hooks;
import lantern.subject.bert.BertModel;

import java.util.ArrayList;
import java.util.List;

/** MLP neurons ({@code blocks.{l}.mlp.hook_post}) of a BERT encoder, caching only the layers asked for. */
public final class BertActivationSource implements ActivationSource {
    private final BertModel model;

    public BertActivationSource(BertModel model) {
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
        model.forward(m, ids, lengths, hooks);
        List<NDArray> out = new ArrayList<>(layers.length);
        for (int l : layers) out.add(hooks.get(HookNames.mlpPost(l)));
        return out;
    }
}
