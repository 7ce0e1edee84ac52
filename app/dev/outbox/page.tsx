import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getRequestBrandId } from "@/lib/branding/queries";
import { listOutbox } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

export const metadata: Metadata = { title: "Development outbox" };
export const dynamic = "force-dynamic";

const statusTone = { sent: "good", pending: "warn", failed: "bad" } as const;

/** Only while mail is kept (no SMTP_URL): the mail the app would have sent. 404 when mail is really sent. */
export default async function OutboxPage() {
  if (!outboxEnabled()) notFound();
  const messages = await listOutbox(await getRequestBrandId());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Development outbox — mail is not sent; it is kept here</h1>
        <p className="text-slate-600">Newest first. Set SMTP_URL to send mail instead.</p>
      </div>
      <Card>
        {messages.length ? (
          <table className="w-full text-left text-sm" data-testid="outbox-list">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th className="py-2 pr-3 font-medium">To</th>
                <th className="py-2 pr-3 font-medium">Subject</th>
                <th className="py-2 pr-3 font-medium">Status</th>
                <th className="py-2 pr-3 font-medium">Queued</th>
                <th className="py-2 font-medium">
                  <span className="sr-only">Message</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {messages.map((m) => (
                <tr key={m.id} data-testid="outbox-row">
                  <td className="py-2 pr-3">{m.toAddress}</td>
                  <td className="py-2 pr-3">
                    {m.subject}
                    {m.icsFilename ? <span className="ml-2 text-xs text-slate-500">📅 {m.icsFilename}</span> : null}
                  </td>
                  <td className="py-2 pr-3">
                    <Badge tone={statusTone[m.status]}>{m.status}</Badge>
                  </td>
                  <td className="py-2 pr-3">
                    <LocalTime iso={m.createdAt.toISOString()} />
                  </td>
                  <td className="py-2">
                    <Link className="font-medium text-brand underline" href={`/dev/outbox/${m.id}`}>
                      View
                    </Link>
                  </td>
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
