package lantern.api.audit;

import lantern.api.audit.AuditSpend;
/** A job's progress as the REST API shows it; {@code done} counts successes, {@code failed} failures. */
public record AuditStatus(String id, JobState state, int done, int failed, int total, String startedAt,
                          Long etaSeconds, String error, AuditSpend spent) {
}
