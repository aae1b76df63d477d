package lantern.api.audit;

import com.fasterxml.jackson.annotation.JsonValue;

public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED,
    /** Stopped at its LLM budget (or the service's daily cap); resumes with a higher one. */
    BUDGET_EXHAUSTED;

    @JsonValue
    public String json() {
        return name().toLowerCase().replace('_', '-');
    }

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED || this == BUDGET_EXHAUSTED;
    }

    public static JobState parse(String s) {
        return valueOf(s.toUpperCase().replace('-', '_'));
    }
}
