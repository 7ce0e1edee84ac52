import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
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
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO processed_webhook_events (id, source, "eventId", type, "receivedAt", "processedAt")
    VALUES (gen_random_uuid()::text, ${source}::"WebhookSource", ${eventId}, ${type}, timezone('utc', now()), timezone('utc', now()))
    ON CONFLICT (source, "eventId") DO NOTHING RETURNING id`;
  return inserted.length > 0;
}
