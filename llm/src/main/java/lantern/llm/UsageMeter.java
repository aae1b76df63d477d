package lantern.llm;

import java.util.concurrent.atomic.AtomicReference;

/** A thread-safe running total of {@link LlmUsage}, shared by the calls of one job. */
public final class UsageMeter {
    private final AtomicReference<LlmUsage> total = new AtomicReference<>(LlmUsage.NONE);

    public void add(LlmUsage u) {
        total.accumulateAndGet(u, LlmUsage::plus);
    }

    public LlmUsage total() {
        return total.get();
    }
}
