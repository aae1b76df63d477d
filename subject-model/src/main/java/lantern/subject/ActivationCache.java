package lantern.subject;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The activations one run cached, by hook name, in the order the pass met them. The arrays belong to the manager
 * the run was given (see {@link HookedModel}); this object only indexes them.
 */
public final class ActivationCache {
    private final Map<String, NDArray> arrays;

    public ActivationCache(Map<String, NDArray> arrays) {
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** The cached activation, or an error naming what was cached. */
    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) a = arrays.get(HookNames.canonical(name));
        if (a == null) {
            throw new IllegalArgumentException("hook '" + name + "' was not cached in this run; cached: " + arrays.keySet());
        }
        return a;
    }

    public boolean has(String name) {
        return arrays.containsKey(name) || arrays.containsKey(HookNames.canonical(name));
    }

    public Set<String> names() {
        return arrays.keySet();
    }

    public Map<String, NDArray> asMap() {
        return arrays;
    }
}
