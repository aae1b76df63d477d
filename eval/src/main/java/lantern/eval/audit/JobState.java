package lantern.eval.audit;

import com.fasterxml.jackson.annotation.JsonValue;

public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    public static JobState parse(String s) {
        return valueOf(s.toUpperCase());
    }
}
