package lantern.eval.causal;

import lantern.api.causal.Neighbour;
import lantern.api.causal.SteeringResult;

import lantern.subject.Hooks;
import lantern.subject.EncoderModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a prompt with and without interventions and compares the sentence embeddings: their cosine, and the
 * nearest candidate texts (embedded clean) in both cases.
 */
public final class Steering {
    private Steering() {
    }

    public static SteeringResult run(EncoderModel model, String prompt, List<InterventionPlanner.Planned> planned, Hooks hooks,
                             List<String> candidates, int topN) {
        if (prompt == null || prompt.isBlank()) throw new lantern.errors.InvalidInputException("prompt is empty");
        float[] clean = model.embedBatch(List.of(prompt), Hooks.none()).get(0);
        float[] steered = model.embedBatch(List.of(prompt), hooks).get(0);
        List<float[]> cand = candidates == null || candidates.isEmpty() ? List.of() : model.embedAll(candidates);
        return new SteeringResult(prompt, planned.stream().map(InterventionPlanner.Planned::description).toList(),
                CausalScorer.cosine(clean, steered), nearest(clean, candidates, cand, topN), nearest(steered, candidates, cand, topN));
    }

    static List<Neighbour> nearest(float[] q, List<String> texts, List<float[]> vecs, int topN) {
        List<Neighbour> all = new ArrayList<>();
        for (int i = 0; i < vecs.size(); i++) all.add(new Neighbour(texts.get(i), CausalScorer.cosine(q, vecs.get(i))));
        all.sort(Comparator.comparingDouble(Neighbour::cosine).reversed());
        return all.subList(0, Math.min(topN, all.size()));
    }
}
