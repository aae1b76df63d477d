package lantern.eval.audit;

import lantern.api.audit.AuditStatus;
import lantern.api.audit.AuditRequest;
import java.util.List;

/** A job's status, request and logged entries: the input of a report. */
public record AuditResults(AuditStatus status, AuditRequest request, List<ProgressEntry> entries) {
}
