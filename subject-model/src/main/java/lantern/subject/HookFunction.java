package lantern.subject;

import ai.djl.ndarray.NDArray;

/**
 * Replaces the activation flowing through a hook point. Activations are shaped {@code [batch, tokens, width]}
 * (attention patterns {@code [batch, heads, query, key]}). Return the input unchanged to only observe.
 */
@FunctionalInterface
public interface HookFunction {
    NDArray apply(NDArray activation);
}
