package lantern.eval.audit;

/** A service-wide cap across audits (e.g. per day): asked before each feature starts, told what each one spent. */
public interface SpendGuard {
    /** Why no more LLM work may start now, or null. */
    String refusal();

    void spent(long inputTokens, long outputTokens);
}
