package lantern.subject.fv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Prompts in the function-vector paper's default template ({@code word_pairs_to_prompt_data} with prefixes
 * {@code Q:} / {@code A:}, separators newline / blank line, a space before every input and output):
 * {@code "Q: x1\nA: y1\n\nQ: x2\nA: y2\n\nQ: xq\nA:"}, the target being {@code " yq"}. BOS comes from the model's
 * framing. Inputs and outputs are data: they fill the slots, never change the template.
 */
public final class IclPrompts {
    private IclPrompts() {
    }

    /** One prompt: its text, the query and the expected continuation (with its leading space). */
    public record Prompt(String text, String query, String target) {
    }

    public static Prompt build(List<IclTask.Pair> demos, IclTask.Pair query) {
        StringBuilder b = new StringBuilder();
        for (IclTask.Pair d : demos) {
            b.append("Q: ").append(d.input()).append("\nA: ").append(d.output()).append("\n\n");
        }
        b.append("Q: ").append(query.input()).append("\nA:");
        return new Prompt(b.toString(), query.input(), " " + query.output());
    }

    /**
     * {@code n} prompts of {@code shots} demonstrations drawn from {@code pool} without replacement (never the query
     * itself) and a query drawn from {@code queries}; with {@code shuffleLabels} the demonstrations' outputs are
     * permuted among them (the reference's {@code shuffle_labels}).
     */
    public static List<Prompt> sample(List<IclTask.Pair> pool, List<IclTask.Pair> queries, int shots, int n,
                                      boolean shuffleLabels, Random r) {
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            IclTask.Pair q = queries.get(r.nextInt(queries.size()));
            List<IclTask.Pair> candidates = new ArrayList<>(pool);
            candidates.remove(q);
            Collections.shuffle(candidates, r);
            List<IclTask.Pair> demos = new ArrayList<>(candidates.subList(0, Math.min(shots, candidates.size())));
            if (shuffleLabels) {
                List<String> labels = new ArrayList<>(demos.stream().map(IclTask.Pair::output).toList());
                Collections.shuffle(labels, r);
                for (int k = 0; k < demos.size(); k++) demos.set(k, new IclTask.Pair(demos.get(k).input(), labels.get(k)));
            }
            out.add(build(demos, q));
        }
        return out;
    }
}
