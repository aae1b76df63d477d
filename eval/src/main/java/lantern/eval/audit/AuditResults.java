package lantern.eval.audit;

import java.util.List;

/** A job's status, request and logged entries: the input of a report. */
public record AuditResults(AuditStatus status, AuditRequest request, List<ProgressEntry> entries) {
}
