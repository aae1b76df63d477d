package lantern.api.lens;

import java.util.List;

/** A Patchscope layer sweep; {@code positions} null: every position of the prompt. */
public record SweepRequest(String model, String preset, String prompt, String targetPrompt, Integer targetPosition,
                           List<Integer> positions, boolean grid) {
}
