package lantern.api.causal;

import java.util.List;

/** One continuation of a steered generation: its text and tokens (prompt excluded). */
public record Continuation(String text, List<String> tokens) {
}
