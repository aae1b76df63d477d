package lantern.explainer.simulate;

import lantern.api.ActivationRecord;
import lantern.explainer.explain.Explanation;
import lantern.llm.Prompts;

import java.util.Map;

/** Renders a simulation prompt: the explanation, then one escaped token per line. */
final class SimulationPrompt {
    private SimulationPrompt() {
    }

    static String user(String template, Explanation explanation, ActivationRecord window) {
        StringBuilder tokens = new StringBuilder();
        for (int i = 0; i < window.size(); i++) {
            if (i > 0) tokens.append('\n');
            tokens.append(i).append('\t').append(Prompts.showToken(window.tokens().get(i)));
        }
        return Prompts.render(template, Map.of("explanation", Prompts.showToken(explanation.text()),
                "n", Integer.toString(window.size()), "tokens", tokens.toString()));
    }
}
