import "server-only";
import { DEFAULT_BRAND_ID } from "@/lib/branding/theme";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction, AuditSubjectType } from "./events";

type Tx = Pick<Prisma.TransactionClient, "auditEvent" | "user">;

export type AuditEntry = {
  actor: { id: string; email: string; brandId?: string } | null;
  /** Whose admins see the row; by default the subject user's brand, else the actor's, else the default brand. */
  brandId?: string;
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
  const subjectBrand =
    e.brandId === undefined && e.subjectUserId
      ? (await tx.user.findUnique({ where: { id: e.subjectUserId }, select: { brandId: true } }))?.brandId
      : undefined;
  await tx.auditEvent.create({
    data: {
      brandId: e.brandId ?? subjectBrand ?? e.actor?.brandId ?? DEFAULT_BRAND_ID,
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
