import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { WebhookSource } from "@/lib/generated/prisma/enums";

/**
 * Records that an inbound event (a Stripe or LiveKit webhook, a client diagnostics batch) is being
 * applied, inside the transaction that applies it. False when it already was: the unique key
 * (source, eventId) makes a redelivery a no-op. A concurrent delivery of the same event waits for the
 * first to finish, then finds it committed; if the first rolled back, the second applies it.
 */
export async function recordEventOnce(
  tx: Prisma.TransactionClient,
  source: WebhookSource,
  eventId: string,
  type: string,
) {
  const inserted = await tx.$queryRaw<{ id: string }[]>`${recordEventSql({ source, eventId, type })}`;
  return inserted.length > 0;
}

/** An event to record once (recordEventOnce), possibly inside a handler's first statement; `made` once it is. */
export type EventClaim = { source: WebhookSource; eventId: string; type: string; made: boolean };

/** The claim's statement: one row (its id) when this transaction records the event, none when it was already. */
export function recordEventSql(e: Pick<EventClaim, "source" | "eventId" | "type">) {
  return Prisma.sql`
    INSERT INTO processed_webhook_events (id, source, "eventId", type, "receivedAt", "processedAt")
    VALUES (gen_random_uuid()::text, ${e.source}::"WebhookSource", ${e.eventId}, ${e.type}, timezone('utc', now()), timezone('utc', now()))
    ON CONFLICT (source, "eventId") DO NOTHING RETURNING id`;
}

/** Thrown inside the applying transaction when its event turns out to be recorded already: roll back, answer "duplicate". */
export class DuplicateEvent extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already applied`);
    this.name = "DuplicateEvent";
  }
}
