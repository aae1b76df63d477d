package lantern.eval.audit;

import lantern.api.audit.AuditStatus;
/** Pushed to listeners: {@code type} is "feature" (one finished; {@code feature}, {@code ok} set) or "state". */
public record AuditEvent(String type, String feature, Boolean ok, AuditStatus status) {
}
