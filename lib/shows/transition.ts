import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { GroupEventStatus, TicketStatus } from "@/lib/generated/prisma/enums";
import { expirePendingPayments } from "@/lib/payments/ledger";
import { traceRow } from "@/lib/trace/service";
import { assertShowTransition, assertTicketTransition } from "./state";

type Tx = Prisma.TransactionClient;

/**
 * The one way tickets.status changes: checked against the state machine (lib/shows/state.ts), written only
 * if the row is still in the state the caller read (the caller holds the ticket's lock).
 */
export async function transitionTicket(
  tx: Tx,
  ticket: { id: string; status: TicketStatus },
  to: TicketStatus,
  data: Omit<Prisma.TicketUncheckedUpdateManyInput, "status"> = {},
) {
  assertTicketTransition(ticket.status, to);
  const { count } = await tx.ticket.updateMany({
    where: { id: ticket.id, status: ticket.status },
    data: { ...data, status: to },
  });
  if (count !== 1) throw new Error(`ticket ${ticket.id} changed under its lock (expected ${ticket.status})`);
}

/**
 * Takes one seat of a show, or says there is none: a conditional update (ticketsSold < capacity, the show
 * still on sale) decides races in PostgreSQL, so M buyers for C seats at once get exactly C seats.
 */
export async function takeSeat(tx: Tx, eventId: string) {
  const taken = await tx.$executeRaw`
    UPDATE group_events SET "ticketsSold" = "ticketsSold" + 1, "updatedAt" = timezone('utc', now())
    WHERE id = ${eventId} AND "ticketsSold" < capacity AND status IN ('scheduled', 'live')`;
  return taken === 1;
}

/**
 * Whether the show has a seat left as last committed, read without taking its row's lock: a sold-out show
 * refuses at once instead of queueing every buyer on that lock. takeSeat still decides the race.
 */
export async function hasSeatLeft(tx: Tx, eventId: string) {
  const [row] = await tx.$queryRaw<{ open: boolean }[]>`
    SELECT "ticketsSold" < capacity AND status IN ('scheduled', 'live') AS open FROM group_events WHERE id = ${eventId}`;
  return row?.open === true;
}

/** Gives a seat back (its ticket no longer holds one). */
export async function releaseSeat(tx: Tx, eventId: string) {
  await tx.$executeRaw`
    UPDATE group_events SET "ticketsSold" = GREATEST(0, "ticketsSold" - 1), "updatedAt" = timezone('utc', now())
    WHERE id = ${eventId}`;
}

/**
 * Releases ticket holds whose time ran out: the ticket turns expired (pending_payment → expired, checked),
 * its seat is given back, its payment expired, and the trace says so. Run by the sweeper.
 */
export async function expireLapsedTicketHolds(tx: Tx, scope?: { eventId: string }) {
  assertTicketTransition("pending_payment", "expired");
  const released = await tx.$queryRaw<{ id: string; traceId: string; eventId: string }[]>`
    UPDATE tickets SET status = 'expired', "holdExpiresAt" = NULL, "updatedAt" = timezone('utc', now())
    WHERE status = 'pending_payment' AND "holdExpiresAt" <= timezone('utc', now())
      AND (${scope?.eventId ?? null}::text IS NULL OR "eventId" = ${scope?.eventId ?? null})
    RETURNING id, "traceId", "eventId"`;
  if (released.length === 0) return 0;
  for (const t of released) await releaseSeat(tx, t.eventId);
  await expirePendingPayments(
    tx,
    "ticket",
    released.map((t) => t.id),
  );
  await tx.traceEvent.createMany({
    data: released.map((t) =>
      traceRow({
        traceId: t.traceId,
        type: "ticket.released",
        source: "app",
        payload: { ticketId: t.id, eventId: t.eventId, reason: "hold_lapsed", status: "expired" },
      }),
    ),
  });
  return released.length;
}

/** The sweeper's pass: every lapsed ticket hold, everywhere. */
export function sweepLapsedTicketHolds() {
  return db.$transaction((tx) => expireLapsedTicketHolds(tx));
}

/** The one way group_events.status changes: checked against the show's state machine (lib/shows/state.ts). */
export async function transitionShow(
  tx: Tx,
  show: { id: string; status: GroupEventStatus },
  to: GroupEventStatus,
  data: Omit<Prisma.GroupEventUncheckedUpdateManyInput, "status"> = {},
) {
  assertShowTransition(show.status, to);
  const { count } = await tx.groupEvent.updateMany({
    where: { id: show.id, status: show.status },
    data: { ...data, status: to },
  });
  if (count !== 1) throw new Error(`show ${show.id} changed under its lock (expected ${show.status})`);
}
