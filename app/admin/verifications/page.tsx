import type { Metadata } from "next";
import Link from "next/link";
import { VerificationDecision } from "@/components/verification/verification-decision";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { getVerificationQueue } from "@/lib/verification/service";

export const metadata: Metadata = { title: "Creator verification" };
export const dynamic = "force-dynamic";

type Queue = Awaited<ReturnType<typeof getVerificationQueue>>;

function Documents({ r }: { r: Queue["pending"][number] }) {
  if (r.documentsDeletedAt)
    return (
      <p className="text-sm text-slate-600">
        Documents deleted <LocalTime iso={r.documentsDeletedAt.toISOString()} /> (retention period over).
      </p>
    );
  return (
    <p className="flex gap-4 text-sm">
      {r.links.document ? (
        <a className="underline" href={r.links.document} target="_blank" rel="noreferrer" data-testid="open-document">
          Open the ID document
        </a>
      ) : null}
      {r.links.selfie ? (
        <a className="underline" href={r.links.selfie} target="_blank" rel="noreferrer" data-testid="open-selfie">
          Open the selfie
        </a>
      ) : null}
      <span className="text-slate-500">(links work for 5 minutes, for you only; each opening is logged)</span>
    </p>
  );
}

// /admin/verifications – creators' identity and age checks (admins only): review the documents, approve or decline.
export default async function AdminVerificationsPage() {
  const admin = await requirePageRole("/admin/verifications", "admin");
  const q = await getVerificationQueue(admin);
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link className="text-brand underline" href="/admin">
          Admin
        </Link>
      </p>
      <h1 className="text-2xl font-bold">Creator verification</h1>
      <p className="text-slate-600">
        A creator can publish and go live once their identity and age check is approved. Documents are deleted{" "}
        {q.retentionDays} days after the decision.
      </p>
      <Card title={`Waiting for review (${q.pending.length})`}>
        {q.pending.length ? (
          <ul className="space-y-4">
            {q.pending.map((r) => (
              <li key={r.id} className="space-y-2 rounded-lg border border-slate-200 p-4" data-testid="verification">
                <p className="font-medium">
                  {r.user.name} <span className="font-normal text-slate-500">({r.user.email})</span> · sent{" "}
                  <LocalTime iso={r.createdAt.toISOString()} />
                </p>
                <Documents r={r} />
                <VerificationDecision verificationId={r.id} name={r.user.name} />
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="Nothing to review" />
        )}
      </Card>
      <Card title="Recently decided">
        {q.decided.length ? (
          <ul className="divide-y divide-slate-100 text-sm">
            {q.decided.map((r) => (
              <li key={r.id} className="space-y-1 py-2">
                <p>
                  <Badge tone={r.status === "approved" ? "good" : "bad"}>{r.status}</Badge> {r.user.name} (
                  {r.user.email}) by {r.decidedBy?.email ?? "an admin"}: “{r.note}”
                </p>
                <Documents r={r} />
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No decisions yet" />
        )}
      </Card>
    </div>
  );
}
