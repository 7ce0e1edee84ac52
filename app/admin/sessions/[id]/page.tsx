import type { Metadata } from "next";
import Link from "next/link";
import { SuperviseRoom } from "@/components/admin/supervise-room";
import { notFound } from "next/navigation";
import { SessionStoryView } from "@/components/admin/session-story";
import { requirePageRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { getSessionStory } from "@/lib/support/queries";

export const metadata: Metadata = { title: "Session (support)" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

// GET /admin/sessions/:id – one session's whole story for support: who paid, each side's verdict and connections, one timeline.
export default async function AdminSessionPage({ params }: Props) {
  const { id } = await params;
  const admin = await requirePageRole(`/admin/sessions/${id}`, "admin");
  const view = await getSessionStory(admin, id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });

  return (
    <div className="space-y-6">
      {view.room && !view.room.closedAt ? <SuperviseRoom target={{ bookingId: id }} /> : null}
      <SessionStoryView
        view={view}
        crumbs={
          <>
            <Link className="text-brand underline" href="/admin">
              Admin
            </Link>{" "}
            /{" "}
            <Link className="text-brand underline" href="/admin/sessions">
              Sessions
            </Link>
          </>
        }
      />
    </div>
  );
}
