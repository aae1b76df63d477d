package lantern.eval.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import lantern.collect.ActivationSource;
import lantern.collect.HookedActivationSource;
import lantern.subject.Hooks;
import lantern.subject.HookedModel;
import lantern.subject.sae.SaeFeatureSource;

import java.util.List;

/**
 * SAE features as an {@link ActivationSource}: the collector sees the SAE's features of one layer as that layer's
 * "neurons" ({@code width()} = d_sae), with the same [B,T,width] layout, padding and special-token handling as MLP
 * neurons. Only the SAE's own layer can be asked for. Store the result under its own collection name (e.g. the
 * SAE kind) so feature ids {@code model/layer/sae-.../i} map to it.
 */
public final class SaeActivationSource implements ActivationSource {
    private final HookedModel model;
    private final SaeFeatureSource features;
    /** The same model read as MLP neurons: shares its identity, layer count and manager. */
    private final HookedActivationSource neurons;

    public SaeActivationSource(HookedModel model, SaeFeatureSource features) {
        if (!features.model().equals(model.info().id())) {
            throw new IllegalArgumentException("SAE was trained on " + features.model() + ", not " + model.info().id());
        }
        this.model = model;
        this.features = features;
        this.neurons = new HookedActivationSource(model);
    }

    @Override
    public String modelId() {
        return neurons.modelId();
    }

    @Override
    public int layers() {
        return neurons.layers();
    }

    @Override
    public String kind() {
        return features.kind();
    }

    @Override
    public int width() {
        return features.width();
    }

    @Override
    public NDManager manager() {
        return neurons.manager();
    }

    @Override
    public String saeFingerprint() {
        return features.sae().fingerprint();
    }

    public int saeLayer() {
        return features.layer();
    }

    @Override
    public List<NDArray> neurons(NDManager m, long[][] ids, int[] lengths, int[] layers) {
        if (layers.length != 1 || layers[0] != features.layer()) {
            throw new IllegalArgumentException("this SAE reads layer " + features.layer() + " only (" + features.hook() + ")");
        }
        Hooks hooks = Hooks.none().cache(features.hook());
        NDArray f = features.features(model.run(m, ids, lengths, hooks).cache().get(features.hook()));
        f.attach(m);
        return List.of(f);
    }
}
