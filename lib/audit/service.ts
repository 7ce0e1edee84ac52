import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction, AuditSubjectType } from "./events";

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

export type AuditEntry = {
  actor: { id: string; email: string } | null;
  action: AuditAction;
  subjectType: AuditSubjectType;
  subjectId: string;
  subjectUserId?: string | null;
  reason?: string | null;
  details?: Prisma.InputJsonObject;
};

/**
 * Appends one row to the audit log, in the caller's transaction (written with the change it records, or not
 * at all). The table refuses UPDATE and DELETE (a trigger), like the trace.
 */
export async function appendAudit(tx: Tx, e: AuditEntry) {
  await tx.auditEvent.create({
    data: {
      actorId: e.actor?.id ?? null,
      actorEmail: e.actor?.email ?? null,
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      subjectUserId: e.subjectUserId ?? null,
      reason: e.reason ?? null,
      details: e.details ?? {},
    },
    select: { id: true },
  });
}
