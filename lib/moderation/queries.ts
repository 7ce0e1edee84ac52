import "server-only";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db";

const person = { id: true, name: true, email: true, role: true, status: true } as const;

/**
 * The reports an admin may see and handle: between accounts of their brand (reporter and reported are of
 * one brand); every brand's for a platform admin. Another brand's report is, to them, one that does not exist.
 */
export function reportsInActorsBrand(actor: Actor): Prisma.ReportWhereInput {
  return { reporter: inActorsBrand(actor), subject: inActorsBrand(actor) };
}

/**
 * Admins only: the moderation queue. Open reports first, the most-reported people first, newest first
 * within; each with the reporter's and the subject's history (reports filed and received, the subject's
 * last moderation actions) and the booking whose session story the reviewer opens. Then the latest handled.
 * A brand's admin sees their brand's reports only.
 */
export async function getReportQueue(actor: Actor) {
  assertRole(actor, ["admin"]);
  const select = {
    id: true,
    reason: true,
    details: true,
    context: true,
    status: true,
    bookingId: true,
    traceId: true,
    offsetSeconds: true,
    roomSessionId: true,
    groupEventId: true,
    chatMessageId: true,
    chatMessageText: true,
    resolution: true,
    resolvedAt: true,
    createdAt: true,
    reporter: { select: person },
    subject: { select: person },
    resolvedBy: { select: { email: true } },
  } as const;
  const inBrand = reportsInActorsBrand(actor);
  const [open, handled] = await Promise.all([
    db.report.findMany({ where: { ...inBrand, status: "open" }, orderBy: { createdAt: "desc" }, take: 200, select }),
    db.report.findMany({
      where: { ...inBrand, status: { not: "open" } },
      orderBy: { resolvedAt: "desc" },
      take: 20,
      select,
    }),
  ]);
  const people = [...new Set([...open, ...handled].flatMap((r) => [r.reporter.id, r.subject.id]))];
  const [received, filed, openAbout, actions] = await Promise.all([
    db.report.groupBy({
      by: ["subjectUserId"],
      where: { ...inBrand, subjectUserId: { in: people } },
      _count: { _all: true },
    }),
    db.report.groupBy({
      by: ["reporterId"],
      where: { ...inBrand, reporterId: { in: people } },
      _count: { _all: true },
    }),
    db.report.groupBy({
      by: ["subjectUserId"],
      where: { ...inBrand, subjectUserId: { in: people }, status: "open" },
      _count: { _all: true },
    }),
    db.moderationAction.findMany({
      where: { targetUserId: { in: people } },
      orderBy: { createdAt: "desc" },
      take: 500,
      select: { targetUserId: true, type: true, reason: true, createdAt: true },
    }),
  ]);
  const count = (rows: { _count: { _all: number } }[], key: (r: never) => string) =>
    new Map(rows.map((r) => [key(r as never), r._count._all]));
  const receivedBy = count(received, (r: { subjectUserId: string }) => r.subjectUserId);
  const filedBy = count(filed, (r: { reporterId: string }) => r.reporterId);
  const openBy = count(openAbout, (r: { subjectUserId: string }) => r.subjectUserId);
  const history = (id: string) => ({
    reportsReceived: receivedBy.get(id) ?? 0,
    reportsFiled: filedBy.get(id) ?? 0,
    openReports: openBy.get(id) ?? 0,
    lastActions: actions.filter((x) => x.targetUserId === id).slice(0, 5),
  });
  const withHistory = (r: (typeof open)[number]) => ({
    ...r,
    reporterHistory: history(r.reporter.id),
    subjectHistory: history(r.subject.id),
  });
  const queue = open
    .map(withHistory)
    .sort(
      (a, b) =>
        b.subjectHistory.openReports - a.subjectHistory.openReports || b.createdAt.getTime() - a.createdAt.getTime(),
    );
  return { open: queue, handled: handled.map(withHistory) };
}
