package lantern.eval.score;

/** Every score of one explanation; detection and embedding may be null when not run. */
public record Scores(SimulationScore simulation, DetectionScore detection, EmbeddingScore embedding) {
}
