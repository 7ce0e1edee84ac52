import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getOutboxMessage } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

export const metadata: Metadata = { title: "Outbox message" };
export const dynamic = "force-dynamic";

export default async function OutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!outboxEnabled()) notFound();
  const m = await getOutboxMessage((await params).id);
  if (!m) notFound();
  return (
    <div className="space-y-6">
      <p><Link className="text-sm underline" href="/dev/outbox">← Outbox</Link></p>
      <h1 className="text-2xl font-bold">{m.subject}</h1>
      <Card>
        <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
          <dt className="font-medium">To</dt><dd>{m.toAddress}</dd>
          <dt className="font-medium">Queued</dt><dd><LocalTime iso={m.createdAt.toISOString()} /></dd>
          <dt className="font-medium">Status</dt><dd>{m.status}{m.lastError ? ` (${m.lastError})` : ""}</dd>
        </dl>
        <pre className="mt-4 whitespace-pre-wrap rounded bg-slate-50 p-3 text-sm">{m.textBody}</pre>
        <div className="mt-4 flex gap-4 text-sm">
          {m.icsContent ? <a className="underline" href={`/dev/outbox/${m.id}/ics`}>Download {m.icsFilename}</a> : null}
          {m.raw ? <a className="underline" href={`/dev/outbox/${m.id}/eml`}>Download .eml</a> : null}
        </div>
      </Card>
    </div>
  );
}
