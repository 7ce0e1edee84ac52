import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { listOutbox } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

export const metadata: Metadata = { title: "Development outbox" };
export const dynamic = "force-dynamic";

/** Development only (no SMTP_URL): the mail Booth would have sent. 404 when mail is really sent. */
export default async function OutboxPage() {
  if (!outboxEnabled()) notFound();
  const messages = await listOutbox();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Development outbox</h1>
        <p className="text-slate-600">Mail is not sent in development; it is kept here. Set SMTP_URL to send it.</p>
      </div>
      <Card>
        {messages.length ? (
          <table className="w-full text-left text-sm" data-testid="outbox-list">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr><th className="py-2 pr-3 font-medium">To</th><th className="py-2 pr-3 font-medium">Subject</th><th className="py-2 pr-3 font-medium">Status</th><th className="py-2 font-medium">Queued</th></tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {messages.map((m) => (
                <tr key={m.id} data-testid="outbox-row">
                  <td className="py-2 pr-3">{m.toAddress}</td>
                  <td className="py-2 pr-3"><Link className="underline" href={`/dev/outbox/${m.id}`}>{m.subject}</Link>{m.icsFilename ? <span className="ml-2 text-xs text-slate-500">📅 {m.icsFilename}</span> : null}</td>
                  <td className="py-2 pr-3"><Badge tone={m.status === "sent" ? "good" : m.status === "failed" ? "bad" : "warn"}>{m.status}</Badge></td>
                  <td className="py-2"><LocalTime iso={m.createdAt.toISOString()} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState title="No mail yet">Book a session to see the confirmation emails here.</EmptyState>
        )}
      </Card>
    </div>
  );
}
