package lantern.subject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request: what forward passes should do at their hook points, which activations to keep (cache) and which to
 * replace (interventions). Only the hooks asked for are kept: caching every hook of every layer is the memory trap.
 * A request is built ({@link #cache}, {@link #replace}) and then only read: each pass keeps what it cached in its
 * own {@link HookPass} ({@link #start}), so one request and one model can serve concurrent passes.
 *
 * <p>At a hook point the replacements run first, in the order they were added, then the result is cached, so the
 * cache shows what actually flowed on. Cached arrays belong to the manager the run was given (the one memory policy
 * of {@link HookedModel}). Names are checked against the model when a run starts ({@link HookNames#validate}).
 * TransformerLens 3's aliases ({@link HookNames#canonical}) name the same points: a replacement asked under an alias
 * runs at its point, and an activation cached under an alias is found under the alias and under our name.
 */
public final class Hooks {
    private final Set<String> toCache = new HashSet<>();
    private final Map<String, List<HookFunction>> replacements = new LinkedHashMap<>();
    /** Canonical point -> the aliases it was asked to be cached under. */
    private final Map<String, Set<String>> aliases = new HashMap<>();

    public static Hooks none() {
        return new Hooks();
    }

    public Hooks cache(String... names) {
        return cache(List.of(names));
    }

    public Hooks cache(Iterable<String> names) {
        for (String name : names) {
            String point = HookNames.canonical(name);
            toCache.add(point);
            if (!point.equals(name)) aliases.computeIfAbsent(point, k -> new HashSet<>()).add(name);
        }
        return this;
    }

    public Hooks replace(String name, HookFunction function) {
        replacements.computeIfAbsent(HookNames.canonical(name), k -> new ArrayList<>()).add(function);
        return this;
    }

    public boolean isEmpty() {
        return toCache.isEmpty() && replacements.isEmpty();
    }

    /** True when some hook at this point needs the activation (lets a model skip building it otherwise). */
    public boolean wants(String name) {
        return toCache.contains(name) || replacements.containsKey(name);
    }

    public Set<String> cachedNames() {
        return Set.copyOf(toCache);
    }

    public Set<String> replacedNames() {
        return Set.copyOf(replacements.keySet());
    }

    /** Every name cached or replaced. */
    public Set<String> names() {
        Set<String> all = new java.util.TreeSet<>(toCache);
        all.addAll(replacements.keySet());
        return all;
    }

    /** A new pass over this request: what one forward pass caches lives there, never here. */
    public HookPass start() {
        return new HookPass(this);
    }

    boolean caches(String point) {
        return toCache.contains(point);
    }

    List<HookFunction> replacementsAt(String point) {
        return replacements.getOrDefault(point, List.of());
    }

    Set<String> aliasesOf(String point) {
        return aliases.getOrDefault(point, Set.of());
    }
}
