import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getOutboxMessage } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

export const metadata: Metadata = { title: "Outbox message" };
export const dynamic = "force-dynamic";

const statusTone = { sent: "good", pending: "warn", failed: "bad" } as const;

/** The header block of an RFC 822 message: everything before the first empty line. */
function headerBlock(raw: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  return end === -1 ? raw : raw.slice(0, end);
}

export default async function OutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!outboxEnabled()) notFound();
  const m = await getOutboxMessage((await params).id, await getRequestBrandId());
  if (!m) notFound();
  return (
    <div className="space-y-6">
      <p>
        <Link className="text-sm underline" href="/dev/outbox">
          ← Development outbox
        </Link>
      </p>
      <h1 className="text-2xl font-bold">{m.subject}</h1>
      <Card title="Message">
        <dl className="grid grid-cols-[7rem_1fr] gap-y-1 text-sm">
          <dt className="font-medium">To</dt>
          <dd>{m.toAddress}</dd>
          <dt className="font-medium">Subject</dt>
          <dd>{m.subject}</dd>
          <dt className="font-medium">Status</dt>
          <dd>
            <Badge tone={statusTone[m.status]}>{m.status}</Badge> after {m.attempts} attempt
            {m.attempts === 1 ? "" : "s"}
            {m.lastError ? <span className="ml-2 text-red-700">{m.lastError}</span> : null}
          </dd>
          <dt className="font-medium">Queued</dt>
          <dd>
            <LocalTime iso={m.createdAt.toISOString()} />
          </dd>
          {m.sentAt ? (
            <>
              <dt className="font-medium">Kept</dt>
              <dd>
                <LocalTime iso={m.sentAt.toISOString()} />
              </dd>
            </>
          ) : null}
          {m.traceId ? (
            <>
              <dt className="font-medium">Trace</dt>
              <dd className="font-mono text-xs">{m.traceId}</dd>
            </>
          ) : null}
        </dl>
        <div className="mt-4 flex gap-4 text-sm">
          {m.icsContent ? (
            <a className="font-medium text-brand underline" href={`/dev/outbox/${m.id}/ics`}>
              Download {m.icsFilename ?? "the .ics"}
            </a>
          ) : null}
          {m.raw ? (
            <a className="font-medium text-brand underline" href={`/dev/outbox/${m.id}/eml`}>
              Download the .eml
            </a>
          ) : null}
        </div>
      </Card>
      {m.raw ? (
        <Card title="Headers">
          <pre
            className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-3 text-xs"
            data-testid="outbox-headers"
          >
            {headerBlock(m.raw)}
          </pre>
        </Card>
      ) : null}
      <Card title="Text">
        <pre className="whitespace-pre-wrap rounded bg-slate-50 p-3 text-sm" data-testid="outbox-body">
          {m.textBody}
        </pre>
      </Card>
    </div>
  );
}
