package lantern.subject;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One forward pass's use of a {@link Hooks} request: it runs the request's replacements at each point and keeps what
 * the request asked to cache. The request is only read, so one {@link Hooks} (and one model) can serve several
 * passes at once, each with its own {@code HookPass}; results come only from here (or from the
 * {@link ActivationCache} a run returns).
 */
public final class HookPass {
    private final Hooks request;
    private final Map<String, NDArray> cache = new LinkedHashMap<>();

    HookPass(Hooks request) {
        this.request = request;
    }

    public Hooks request() {
        return request;
    }

    /** True when some hook at this point needs the activation (lets a model skip building it otherwise). */
    public boolean wants(String name) {
        return request.wants(name);
    }

    /** Called by a forward pass at each hook point; returns what flows on. */
    public NDArray apply(String name, NDArray activation) {
        NDArray x = activation;
        List<HookFunction> fns = request.replacementsAt(name);
        for (HookFunction f : fns) {
            x = f.apply(x);
        }
        if (request.caches(name)) {
            cache.put(name, x);
            for (String alias : request.aliasesOf(name)) cache.put(alias, x);
        }
        return x;
    }

    /** The cached activation, or an error naming what was cached. */
    public NDArray get(String name) {
        NDArray a = cache.get(HookNames.canonical(name));
        if (a == null) {
            throw new IllegalStateException("hook '" + name + "' was not cached; cached: " + cache.keySet());
        }
        return a;
    }

    /** What this pass cached so far (read-only view), by name and alias. */
    public Map<String, NDArray> cached() {
        return Collections.unmodifiableMap(cache);
    }

    /** A snapshot of what this pass cached. */
    public ActivationCache snapshot() {
        return new ActivationCache(cache);
    }

    /** The names this pass cached. */
    public Set<String> cachedNames() {
        return Set.copyOf(cache.keySet());
    }
}
