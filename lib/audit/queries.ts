import "server-only";
import { z } from "zod";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { singleLine } from "@/lib/schemas/text";
import { auditActions, csvLine, isAuditAction } from "./events";

/** The filters of /admin/audit (query string): actor and subject by email or id, action, period. */
export const auditFilterInput = z.object({
  actor: singleLine().trim().max(200).optional(),
  subject: singleLine().trim().max(200).optional(),
  action: singleLine()
    .trim()
    .refine((a) => a === "" || isAuditAction(a), "Choose an action from the list")
    .optional(),
  from: z.iso.date("Use a date like 2026-12-01").optional().or(z.literal("")),
  to: z.iso.date("Use a date like 2026-12-31").optional().or(z.literal("")),
});
export type AuditFilter = z.infer<typeof auditFilterInput>;

/** A person given by email is looked up; anything else is taken as an id. */
async function userIdsFor(actor: Actor, who: string) {
  if (!who.includes("@")) return [who];
  const users = await db.user.findMany({
    where: { email: who.toLowerCase(), ...inActorsBrand(actor) },
    select: { id: true },
    take: 100,
  });
  return users.map((u) => u.id);
}

/** The filter's rows among those the actor may see: their brand's (every brand's for a platform admin). */
async function whereOf(actor: Actor, f: AuditFilter): Promise<Prisma.AuditEventWhereInput> {
  const where: Prisma.AuditEventWhereInput = { ...inActorsBrand(actor) };
  if (f.actor)
    where.OR = [{ actorId: { in: await userIdsFor(actor, f.actor) } }, { actorEmail: f.actor.toLowerCase() }];
  if (f.subject) {
    const ids = await userIdsFor(actor, f.subject);
    where.AND = [{ OR: [{ subjectUserId: { in: ids } }, { subjectId: f.subject }] }];
  }
  if (f.action) where.action = f.action;
  if (f.from || f.to)
    where.createdAt = {
      ...(f.from ? { gte: new Date(`${f.from}T00:00:00Z`) } : {}),
      ...(f.to ? { lt: new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
    };
  return where;
}

const columns = {
  id: true,
  createdAt: true,
  actorId: true,
  actorEmail: true,
  action: true,
  subjectType: true,
  subjectId: true,
  subjectUserId: true,
  reason: true,
  details: true,
} as const;

/** Admins only: the newest matching rows (at most `limit`), with the subject's email where it is a user. */
export async function listAudit(actor: Actor, raw: unknown, limit = 200) {
  assertRole(actor, ["admin"]);
  const filter = auditFilterInput.parse(raw);
  const rows = await db.auditEvent.findMany({
    where: await whereOf(actor, filter),
    orderBy: { id: "desc" },
    take: limit,
    select: columns,
  });
  const subjectIds = [...new Set(rows.map((r) => r.subjectUserId).filter((x): x is string => Boolean(x)))];
  const subjects = new Map(
    (await db.user.findMany({ where: { id: { in: subjectIds } }, select: { id: true, email: true } })).map((u) => [
      u.id,
      u.email,
    ]),
  );
  return rows.map((r) => ({
    ...r,
    id: r.id.toString(),
    label: isAuditAction(r.action) ? auditActions[r.action] : r.action,
    subjectEmail: r.subjectUserId ? (subjects.get(r.subjectUserId) ?? null) : null,
  }));
}

/** The same rows as CSV (up to 10,000), for /admin/audit/export. */
export async function exportAuditCsv(actor: Actor, raw: unknown) {
  const rows = await listAudit(actor, raw, 10_000);
  let out = csvLine([
    "id",
    "at",
    "actor_email",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "subject_email",
    "reason",
    "details",
  ]);
  for (const r of rows)
    out += csvLine([
      r.id,
      r.createdAt,
      r.actorEmail,
      r.actorId,
      r.action,
      r.subjectType,
      r.subjectId,
      r.subjectEmail,
      r.reason,
      JSON.stringify(r.details),
    ]);
  return out;
}
