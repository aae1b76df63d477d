package lantern.api.lens;

import java.util.List;

/**
 * @param generated      the target's continuation (target prompt not repeated)
 * @param tokens         the generated tokens one by one
 * @param sourceToken    the source token whose state was read
 * @param firstTokenTopK the patched target's distribution over its first generated token
 */
public record PatchscopeResult(String generated, List<String> tokens, String sourceToken,
                               List<TokenProb> firstTokenTopK) {
}
