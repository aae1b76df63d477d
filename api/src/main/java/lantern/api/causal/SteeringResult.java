package lantern.api.causal;

import java.util.List;

/**
 * An encoder's prompt embedded clean and with the interventions: the cosine between the two embeddings and the nearest
 * candidate texts of each.
 */
public record SteeringResult(String prompt, List<String> applied, double cosine, List<Neighbour> clean,
                             List<Neighbour> steered) {
}
