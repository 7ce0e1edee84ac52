/**
 * The audit log's vocabulary: every kind of admin or moderation decision, with the words the log shows.
 * Pure: the writer (lib/audit/service.ts) accepts only these, and /admin/audit filters by them.
 */
export const auditActions = {
  "user.role_changed": "Role changed",
  "user.suspended": "Suspended",
  "user.reinstated": "Reinstated",
  "user.warned": "Warned",
  "application.approved": "Creator application approved",
  "application.declined": "Creator application declined",
  "profile.unpublished": "Creator profile unpublished",
  "payment.refunded": "Refund",
  "report.dismissed": "Report dismissed",
  "report.actioned": "Report handled",
  "room.moderated": "In-room moderation",
  "brand.updated": "Brand changed",
  "brand.restored": "Brand version restored",
  "brand.created": "Brand created",
  "brand.domain_added": "Brand host added",
  "brand.domain_removed": "Brand host removed",
  "room.supervision_granted": "Supervision: unseen watch link issued",
  "room.supervision_joined": "Supervision: joined a live room unseen",
  "room.supervision_left": "Supervision: left the live room",
  "verification.approved": "Creator identity check approved",
  "verification.declined": "Creator identity check declined",
  "verification.document_viewed": "Creator identity document opened",
  "alert.dismissed": "Operations alert dismissed",
  "finding.dismissed": "Reconciliation finding dismissed",
  "payment.confirmed": "Payment confirmed from Stripe",
  "recording.viewed": "Recording viewed",
  "recording.downloaded": "Recording downloaded",
} as const;

export type AuditAction = keyof typeof auditActions;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(auditActions, value);
}

export const auditSubjectTypes = [
  "user",
  "application",
  "report",
  "booking",
  "show",
  "payment",
  "brand",
  "verification",
  "alert",
  "recording",
  "finding",
] as const;
export type AuditSubjectType = (typeof auditSubjectTypes)[number];

/** One CSV field: quoted, quotes doubled, and a leading =+-@ neutralised so a spreadsheet runs no formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
