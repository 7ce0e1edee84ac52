import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  parseTracePayload,
  type ReadTraceEvent,
  type TraceEventType,
  type TracePayloadInput,
  type TraceSourceName,
  tracePayloads,
} from "./events";

export type TraceEventInput<T extends TraceEventType = TraceEventType> = {
  traceId: string;
  type: T;
  source: TraceSourceName;
  actorId?: string | null;
  payload: TracePayloadInput<T>;
  /** When it happened; defaults to now. Stored beside the time Booth received it. */
  occurredAt?: Date;
  schemaVersion?: number;
};

/** A trace event whose payload does not match its type's schema: a bug in the writer, refused before it is stored. */
export class TracePayloadError extends Error {
  constructor(
    readonly type: string,
    readonly problem: string,
  ) {
    super(`trace event ${type} refused: ${problem}`);
    this.name = "TracePayloadError";
  }
}

/**
 * Appends one event to a trace. Pass a transaction client to commit it with the change it describes.
 * The payload is checked against the type's schema first: a wrong one throws (and rolls the change back)
 * rather than leaving support a row it cannot read.
 */
export async function appendTrace<T extends TraceEventType>(
  event: TraceEventInput<T>,
  client: Pick<Prisma.TransactionClient, "traceEvent"> = db,
) {
  return client.traceEvent.create({ data: traceRow(event), select: { id: true } });
}

/** The row for one event (checked); for writers that insert many at once (createMany). */
export function traceRow<T extends TraceEventType>(event: TraceEventInput<T>): Prisma.TraceEventCreateManyInput {
  const parsed = tracePayloads[event.type].safeParse(event.payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TracePayloadError(event.type, `${first?.path.join(".") || "payload"}: ${first?.message ?? "invalid"}`);
  }
  return {
    traceId: event.traceId,
    type: event.type,
    source: event.source,
    actorId: event.actorId ?? null,
    payload: parsed.data as Prisma.InputJsonObject,
    occurredAt: event.occurredAt ?? new Date(),
    schemaVersion: event.schemaVersion ?? 1,
  };
}

/**
 * `INSERT INTO trace_events … SELECT <the event>` for one checked event, to be completed by the caller
 * (`FROM changed RETURNING id` in a data-modifying CTE): the event is written in the very statement that
 * makes the change it describes, and only if that change happened (one round trip instead of two).
 */
export function traceInsertSql<T extends TraceEventType>(event: TraceEventInput<T>): Prisma.Sql {
  const r = traceRow(event);
  return Prisma.sql`INSERT INTO trace_events ("traceId", type, source, "schemaVersion", "actorId", payload, "occurredAt", "receivedAt")
    SELECT ${r.traceId}, ${r.type}, ${r.source}::"TraceSource", ${r.schemaVersion ?? 1}::int, ${r.actorId ?? null},
           ${JSON.stringify(r.payload)}::jsonb, ${r.occurredAt}::timestamp, timezone('utc', now())`;
}

export type StoredTraceEvent = ReadTraceEvent & {
  id: bigint;
  traceId: string;
  source: TraceSourceName;
  actorId: string | null;
  occurredAt: Date;
  receivedAt: Date;
};

/** A stored row read back through its schema: typed when it passes, marked (never thrown) when it does not. */
export function readTraceRow(row: {
  id: bigint;
  traceId: string;
  type: string;
  source: TraceSourceName;
  actorId: string | null;
  payload: unknown;
  occurredAt: Date;
  receivedAt: Date;
}): StoredTraceEvent {
  const { type, payload, ...rest } = row;
  return { ...rest, ...parseTracePayload(type, payload) };
}

/** A trace's events in the order they happened (ties by storage order), each checked against its schema. */
export async function readTrace(
  traceId: string,
  opts: { types?: TraceEventType[]; take?: number } = {},
  client: Pick<Prisma.TransactionClient, "traceEvent"> = db,
): Promise<StoredTraceEvent[]> {
  const rows = await client.traceEvent.findMany({
    where: { traceId, ...(opts.types ? { type: { in: opts.types } } : {}) },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    take: opts.take ?? 5000,
    select: {
      id: true,
      traceId: true,
      type: true,
      source: true,
      actorId: true,
      payload: true,
      occurredAt: true,
      receivedAt: true,
    },
  });
  return rows.map(readTraceRow);
}

/** How many events of `type` a trace holds (a booking's moves give its calendar file's SEQUENCE). */
export function countTrace(
  traceId: string,
  type: TraceEventType,
  client: Pick<Prisma.TransactionClient, "traceEvent"> = db,
): Promise<number> {
  return client.traceEvent.count({ where: { traceId, type } });
}
