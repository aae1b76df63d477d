package lantern.api.graphs;

/**
 * An attribution graph to build: the prompt, the model and its transcoder set (circuit-tracer semantics), and the
 * pruning knobs (nulls: every feature node, node threshold 0.8, edge threshold 0.98).
 */
public record GraphRequest(String model, String transcoders, String prompt, Integer maxFeatureNodes,
                           Double nodeThreshold, Double edgeThreshold) {
}
