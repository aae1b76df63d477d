package lantern.llm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one LLM server turned out to accept, learned from its answers and remembered for the life of the process
 * (one instance per {@link LlmSettings#serverKey()}), so a rejected {@code response_format} or an absent log-prob
 * is met once, not on every window. An audit stores the {@link #snapshot()} in its job folder and restores it.
 * Thread-safe.
 */
public final class ServerCapabilities {
    private static final Map<String, ServerCapabilities> SERVERS = new ConcurrentHashMap<>();

    private ResponseFormatMode format;          // null: not learned yet (start from json_schema)
    private Integer topLogprobsCap;             // null: no cap met
    private Boolean logprobs;                   // null: unknown; false: the server returns none
    private String noLogprobsReason;
    private boolean reasoning;
    private volatile boolean answered;
    /** Held by the one call that finds out what is still unknown, so concurrent windows do not all pay for it. */
    final java.util.concurrent.locks.ReentrantLock discovery = new java.util.concurrent.locks.ReentrantLock(true);
    private final Map<ResponseFormatMode, String> formatRejections = new java.util.EnumMap<>(ResponseFormatMode.class);

    /** A fresh record, not shared: for a probe. */
    static ServerCapabilities unshared() {
        return new ServerCapabilities();
    }

    /** The process-wide record for this server. */
    public static ServerCapabilities of(LlmSettings s) {
        return SERVERS.computeIfAbsent(s.serverKey(), k -> new ServerCapabilities());
    }

    /** Forgets every server (tests; a user who changed the server's settings restarts anyway). */
    public static void forgetAll() {
        SERVERS.clear();
    }

    public synchronized ResponseFormatMode format() {
        return format == null ? ResponseFormatMode.JSON_SCHEMA : format;
    }

    public synchronized Optional<ResponseFormatMode> learnedFormat() {
        return Optional.ofNullable(format);
    }

    synchronized void formatWorked(ResponseFormatMode m) {
        // a weaker mode that worked wins over a stronger one learned by another thread's first call
        if (format == null || m.ordinal() > format.ordinal()) format = m;
    }

    synchronized void formatRejected(ResponseFormatMode m, String why) {
        formatRejections.putIfAbsent(m, why);
    }

    /** Why the server refused a response format, as it said it (one line), if it did. */
    public synchronized Optional<String> formatRejection(ResponseFormatMode m) {
        return Optional.ofNullable(formatRejections.get(m));
    }

    public synchronized Optional<Integer> topLogprobsCap() {
        return Optional.ofNullable(topLogprobsCap);
    }

    synchronized void capTopLogprobs(int n) {
        if (topLogprobsCap == null || n < topLogprobsCap) topLogprobsCap = n;
    }

    /** TRUE: log-probs came back; FALSE: the server returns none; null: not asked yet. */
    public synchronized Boolean logprobs() {
        return logprobs;
    }

    public synchronized String noLogprobsReason() {
        return noLogprobsReason;
    }

    /** @return true the first time (the caller says so once) */
    synchronized boolean noLogprobs(String reason) {
        boolean first = !Boolean.FALSE.equals(logprobs);
        logprobs = false;
        noLogprobsReason = reason;
        return first;
    }

    synchronized void logprobsWorked() {
        if (logprobs == null) logprobs = true;
    }

    /** The server gave an HTTP answer (of any status) at least once. */
    public boolean answered() {
        return answered;
    }

    void sawAnswer() {
        answered = true;
    }

    public synchronized boolean reasoning() {
        return reasoning;
    }

    synchronized void sawReasoning() {
        reasoning = true;
    }

    /** What was learned, as plain values for a job file: only what is known. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (format != null) m.put("responseFormat", format.wireName());
        if (topLogprobsCap != null) m.put("topLogprobsCap", topLogprobsCap);
        if (logprobs != null) m.put("logprobs", logprobs);
        if (noLogprobsReason != null) m.put("noLogprobsReason", noLogprobsReason);
        if (reasoning) m.put("reasoning", true);
        return m;
    }

    /** Takes back what a {@link #snapshot()} held (e.g. an audit resumed in a new process). */
    public synchronized void restore(Map<String, ?> m) {
        if (m == null) return;
        if (m.get("responseFormat") instanceof String f) formatWorked(ResponseFormatMode.parse(f));
        if (m.get("topLogprobsCap") instanceof Number n) capTopLogprobs(n.intValue());
        if (m.get("logprobs") instanceof Boolean b) {
            if (b) logprobsWorked(); else noLogprobs(m.get("noLogprobsReason") instanceof String r ? r : "the server returned no log-probs");
        }
        if (Boolean.TRUE.equals(m.get("reasoning"))) reasoning = true;
    }
}
