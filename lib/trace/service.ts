import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TraceEventType, TraceSourceName } from "./events";

export type TraceEventInput = {
  traceId: string;
  type: TraceEventType;
  source: TraceSourceName;
  actorId?: string | null;
  payload?: Prisma.InputJsonObject;
  /** When it happened; defaults to now. Stored beside the time Booth received it. */
  occurredAt?: Date;
  schemaVersion?: number;
};

/** Appends one event to a trace. Pass a transaction client to commit it with the change it describes. */
export function appendTrace(event: TraceEventInput, client: Pick<Prisma.TransactionClient, "traceEvent"> = db) {
  return client.traceEvent.create({
    data: {
      traceId: event.traceId,
      type: event.type,
      source: event.source,
      actorId: event.actorId ?? null,
      payload: event.payload ?? {},
      occurredAt: event.occurredAt ?? new Date(),
      schemaVersion: event.schemaVersion ?? 1,
    },
    select: { id: true },
  });
}
