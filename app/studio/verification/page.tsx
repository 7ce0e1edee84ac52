import type { Metadata } from "next";
import Link from "next/link";
import { VerificationUpload } from "@/components/verification/verification-upload";
import { Badge, Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { getMyVerification } from "@/lib/verification/service";

export const metadata: Metadata = { title: "Verification" };
export const dynamic = "force-dynamic";

// /studio/verification – the creator's identity and age check: its state, and the upload of an ID and a selfie.
export default async function StudioVerificationPage() {
  const creator = await requirePageRole("/studio/verification", "creator");
  const v = await getMyVerification(creator);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/studio">
            Studio
          </Link>
        </p>
        <h1 className="text-2xl font-bold">Identity and age check</h1>
        <p className="text-slate-600">
          Before your profile, offerings or shows go public, an admin checks that you are who you say and of age, from a
          photo of an official ID and a selfie. Only admins can open them, each opening is logged, and they are deleted
          after the decision's retention period.
        </p>
      </div>
      <Card title="Status">
        {v.verifiedAt ? (
          <p data-testid="verification-status">
            <Badge tone="good">Verified</Badge> since <LocalTime iso={v.verifiedAt.toISOString()} />. You can publish
            and go live.
          </p>
        ) : v.latest?.status === "pending" ? (
          <p data-testid="verification-status">
            <Badge tone="warn">Waiting for review</Badge> Sent <LocalTime iso={v.latest.createdAt.toISOString()} />.
            We'll email you the decision.
          </p>
        ) : (
          <div className="space-y-2" data-testid="verification-status">
            {v.latest?.status === "declined" ? (
              <p>
                <Badge tone="bad">Declined</Badge> {v.latest.note}
              </p>
            ) : (
              <p>Not verified yet.</p>
            )}
            <VerificationUpload maxMb={v.maxUploadMb} />
          </div>
        )}
      </Card>
    </div>
  );
}
