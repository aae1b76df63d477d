package lantern.eval.audit;

import lantern.api.audit.JobState;
import lantern.api.audit.AuditRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The content of a job's {@code job.json}. Times are epoch milliseconds; null until they happen. */
record JobRecord(String id, ObjectNode request, JobState state, int total, long createdAt, Long startedAt,
                 Long finishedAt, String error) {
    JobRecord with(JobState state, Long startedAt, Long finishedAt, String error) {
        return new JobRecord(id, request, state, total, createdAt, startedAt, finishedAt, error);
    }

    JobRecord withRequest(ObjectNode request, JobState state) {
        return new JobRecord(id, request, state, total, createdAt, startedAt, null, null);
    }

    AuditRequest auditRequest() {
        return AuditRequest.fromJson(request);
    }
}
