import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { partyOf } from "@/lib/auth/parties";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { adminRefundBooking } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ModerationActionType } from "@/lib/generated/prisma/enums";
import { logger } from "@/lib/logger";
import { deliverSoon } from "@/lib/mail/service";
import { enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { removeFromRoom } from "@/lib/sessions/room-effects";
import { showParty } from "@/lib/shows/live";
import { appendTrace } from "@/lib/trace/service";
import { applyStatus } from "@/lib/users/service";
import { enqueueReportOutcomeEmails } from "./emails";
import { reportsInActorsBrand } from "./queries";
import { fileReportInput, handleReportInput, type ReportAction } from "./schemas";

type Tx = Prisma.TransactionClient;

const ALREADY_REPORTED = "You already reported this message. Our team will review it; we'll email you the outcome.";

/**
 * Reports: a viewer reports the creator of their booking (or the reverse) from the room or the booking
 * page, anyone signed in reports a creator from their profile, a ticket holder reports a show's host from
 * its room, and a show's people report a message in its chat (its text is kept as it was). Only a party of the booking may report
 * from it, and only about the other side. A report keeps the booking's trace id and, from a room, the
 * seconds since the room started, so a reviewer can find that moment in the session's story.
 */
export async function fileReport(actor: Actor, raw: unknown, now = new Date()) {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const input = fileReportInput.parse(raw);
  let subjectUserId: string;
  let booking: { id: string; traceId: string; roomSessionId: string | null; startedAt: Date | null } | null = null;
  let show: { id: string; traceId: string; roomSessionId: string | null; startedAt: Date | null } | null = null;
  let message: { id: string; text: string; at: Date } | null = null;
  if (input.context === "profile") {
    // A creator of the actor's own brand (reporter and reported are accounts of one brand); an unpublished
    // profile is seen by that brand's admins only.
    const profile = await db.creatorProfile.findFirst({
      where: { slug: input.creatorSlug!, user: { brandId: actor.brandId } },
      select: { userId: true, published: true },
    });
    if (!profile || (!profile.published && actor.role !== "admin")) throw new AppError("not_found", "No such creator.");
    subjectUserId = profile.userId;
  } else if (input.context === "show_room" || input.context === "chat") {
    // Only the show's people (its creator, a paid ticket holder) report from it; anyone else learns nothing.
    const party = await showParty(actor, input.eventId!);
    if (!party?.role) throw new AppError("not_found", "No such show.");
    const rs = await db.roomSession.findUnique({
      where: { groupEventId: input.eventId! },
      select: { id: true, startedAt: true },
    });
    show = {
      id: party.show.id,
      traceId: party.show.traceId,
      roomSessionId: rs?.id ?? null,
      startedAt: rs?.startedAt ?? null,
    };
    if (input.context === "chat") {
      const m = rs
        ? await db.chatMessage.findFirst({
            where: { id: input.messageId!, roomSessionId: rs.id },
            select: { id: true, userId: true, body: true, createdAt: true },
          })
        : null;
      if (!m) throw new AppError("not_found", "No such message in this show's chat.");
      subjectUserId = m.userId;
      message = { id: m.id, text: m.body, at: m.createdAt };
    } else {
      // From the show's room a ticket holder reports its host (the host has the room's own tools for viewers).
      if (party.role !== "viewer")
        throw new AppError("invalid", "Use the participants list to remove or ban someone from your show.");
      subjectUserId = party.show.creator.userId;
    }
  } else {
    const b = await db.booking.findUnique({
      where: { id: input.bookingId! },
      select: {
        id: true,
        traceId: true,
        viewerId: true,
        creator: { select: { userId: true } },
        roomSession: { select: { id: true, startedAt: true } },
      },
    });
    const side = b && partyOf(actor.id, { viewerId: b.viewerId, creatorUserId: b.creator.userId });
    // Not a party: the same answer as a booking that does not exist.
    if (!b || !side) throw new AppError("not_found", "No such booking.");
    subjectUserId = side === "viewer" ? b.creator.userId : b.viewerId;
    booking = {
      id: b.id,
      traceId: b.traceId,
      roomSessionId: b.roomSession?.id ?? null,
      startedAt: b.roomSession?.startedAt ?? null,
    };
  }
  if (subjectUserId === actor.id) throw new AppError("invalid", "You can't report yourself.");
  // A chat message is reported once per person: again (a double click, a second try) is the same report.
  const already = message
    ? await db.report.findFirst({ where: { reporterId: actor.id, chatMessageId: message.id }, select: { id: true } })
    : null;
  if (already) return { id: already.id, message: ALREADY_REPORTED };
  await takeBudget("report", actor.id);
  const live = booking ?? show;
  const inRoom = input.context === "room" || input.context === "show_room" || input.context === "chat";
  // Seconds since the room started: when the report was filed, or for a chat message when it was written.
  const offsetSeconds =
    inRoom && live?.startedAt
      ? Math.max(0, Math.floor(((message?.at ?? now).getTime() - live.startedAt.getTime()) / 1000))
      : null;
  const traceId = live?.traceId ?? null;
  const report = await db
    .$transaction(async (tx) => {
      const row = await tx.report.create({
        data: {
          reporterId: actor.id,
          subjectUserId,
          reason: input.reason,
          details: input.details,
          context: input.context,
          bookingId: booking?.id ?? null,
          groupEventId: show?.id ?? null,
          roomSessionId: inRoom ? (live?.roomSessionId ?? null) : null,
          traceId,
          offsetSeconds,
          chatMessageId: message?.id ?? null,
          chatMessageText: message?.text ?? null,
        },
        select: { id: true },
      });
      if (traceId)
        await appendTrace(
          {
            traceId,
            type: "report.filed",
            source: "app",
            actorId: actor.id,
            payload: {
              reportId: row.id,
              reporterId: actor.id,
              subjectUserId,
              reason: input.reason,
              context: input.context,
              offsetSeconds,
              messageId: message?.id ?? null,
            },
          },
          tx,
        );
      return row;
    })
    .catch(async (err: unknown) => {
      // Two at once both passed the check above: the database keeps one (its guard index), and the trace
      // event went with the transaction that lost.
      if (!message || !isUniqueViolation(err)) throw err;
      const kept = await db.report.findFirstOrThrow({
        where: { reporterId: actor.id, chatMessageId: message.id },
        select: { id: true },
      });
      return { ...kept, duplicate: true as const };
    });
  if ("duplicate" in report) return { id: report.id, message: ALREADY_REPORTED };
  logger.info({ reportId: report.id, reporterId: actor.id, subjectUserId }, "report filed");
  return { id: report.id, message: "Thank you. Our team will review your report; we'll email you the outcome." };
}

const moderationType = {
  dismiss: "dismiss_report",
  warn: "warn",
  remove_from_room: "remove_from_room",
  suspend: "suspend",
  unpublish: "unpublish_profile",
  refund: "refund",
} as const satisfies Record<ReportAction, ModerationActionType>;

/**
 * Admin: handle an open report of their brand (any brand's for a platform admin; another brand's is a 404).
 * One action per report (a second admin, or a double click, finds it handled: 409). Each is a moderation
 * action row, a trace event on the report's booking, an audit row and the outcome email to the reporter
 * (and a warning email to the reported person), all in one transaction; a refund goes through the purchase
 * pipeline first, a removal from the room follows the commit.
 */
export async function handleReport(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = handleReportInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  // Another brand's report is, to a brand's admin, one that does not exist.
  const report = await db.report.findFirst({
    where: { id: input.reportId, ...reportsInActorsBrand(actor) },
    select: {
      id: true,
      status: true,
      bookingId: true,
      traceId: true,
      roomSessionId: true,
      subjectUserId: true,
      reporterId: true,
      booking: { select: { viewerId: true } },
      roomSession: { select: { roomName: true, closedAt: true } },
      reporter: { select: { id: true, name: true, email: true } },
      subject: { select: { id: true, name: true, email: true, role: true } },
    },
  });
  if (!report) throw new AppError("not_found", "No such report.");
  if (report.status !== "open") throw new AppError("conflict", "This report was already handled.");
  if (report.subjectUserId === actor.id)
    throw new AppError("conflict", "This report is about you; ask another admin to handle it.");
  const a = input.action;
  if (a === "refund" && (!report.bookingId || report.booking?.viewerId !== report.reporterId))
    throw new AppError("invalid", "Only a report by the viewer of a booking can refund that booking.");
  if (a === "remove_from_room" && (!report.roomSession || report.roomSession.closedAt))
    throw new AppError("invalid", "This report has no live room to remove anyone from.");
  if (a === "unpublish" && report.subject.role !== "creator")
    throw new AppError("invalid", "The reported person has no creator profile to unpublish.");

  // The money first, through the purchase pipeline (its own lock order); its key makes a retry refund once.
  if (a === "refund")
    await adminRefundBooking(actor, report.bookingId!, {
      reason: `report ${report.id}: ${input.note}`.slice(0, 500),
      idempotencyKey: `report:${report.id}`,
    });

  await db.$transaction(async (tx) => {
    const { count } = await tx.report.updateMany({
      where: { id: report.id, status: "open" },
      data: {
        status: a === "dismiss" ? "dismissed" : "actioned",
        resolvedById: actor.id,
        resolvedAt: new Date(),
        resolution: input.note,
      },
    });
    if (count === 0) throw new AppError("conflict", "This report was already handled.");
    await applyAction(tx, actor, report, a, input.note);
    if (report.traceId)
      await appendTrace(
        {
          traceId: report.traceId,
          type: "moderation.action",
          source: "app",
          actorId: actor.id,
          payload: {
            action: moderationType[a],
            targetUserId: report.subjectUserId,
            reason: input.note,
            roomSessionId: report.roomSessionId,
          },
        },
        tx,
      );
    await appendAudit(tx, {
      actor,
      action: a === "dismiss" ? "report.dismissed" : "report.actioned",
      subjectType: "report",
      subjectId: report.id,
      subjectUserId: report.subjectUserId,
      reason: input.note,
      details: { action: a, reporterId: report.reporterId, bookingId: report.bookingId },
    });
    await enqueueReportOutcomeEmails(tx, report, a, input.note);
  });
  nudgeEffects();
  deliverSoon();
  logger.info({ reportId: report.id, actorId: actor.id, action: a }, "report handled");
  return { status: a === "dismiss" ? "dismissed" : "actioned" } as const;
}

async function applyAction(
  tx: Tx,
  actor: Actor,
  report: {
    id: string;
    subjectUserId: string;
    roomSessionId: string | null;
    traceId: string | null;
    roomSession: { roomName: string } | null;
  },
  a: ReportAction,
  note: string,
) {
  const row = (type: ModerationActionType, details: Prisma.InputJsonObject = {}) =>
    tx.moderationAction.create({
      data: { actorId: actor.id, targetUserId: report.subjectUserId, type, reason: note, reportId: report.id, details },
      select: { id: true },
    });
  switch (a) {
    case "suspend":
      // Writes its own moderation row (linked to the report) and audit row, ends every session, leaves every room.
      await applyStatus(tx, actor, report.subjectUserId, "suspended", note, report.id);
      return;
    case "unpublish": {
      await tx.creatorProfile.updateMany({ where: { userId: report.subjectUserId }, data: { published: false } });
      await row("unpublish_profile");
      await appendAudit(tx, {
        actor,
        action: "profile.unpublished",
        subjectType: "user",
        subjectId: report.subjectUserId,
        subjectUserId: report.subjectUserId,
        reason: note,
        details: { reportId: report.id },
      });
      return;
    }
    case "remove_from_room":
      await enqueueEffect(
        tx,
        removeFromRoom,
        {
          roomName: report.roomSession!.roomName,
          identity: report.subjectUserId,
          reason: "A moderator removed you from this room after a report.",
        },
        { key: `remove:${report.roomSessionId}:${report.subjectUserId}:report:${report.id}`, traceId: report.traceId },
      );
      await row("remove_from_room", { roomSessionId: report.roomSessionId });
      return;
    case "warn":
      await appendAudit(tx, {
        actor,
        action: "user.warned",
        subjectType: "user",
        subjectId: report.subjectUserId,
        subjectUserId: report.subjectUserId,
        reason: note,
        details: { reportId: report.id },
      });
      await row("warn");
      return;
    default:
      await row(moderationType[a]);
  }
}
