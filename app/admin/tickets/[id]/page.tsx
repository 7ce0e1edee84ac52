import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SessionStoryView } from "@/components/admin/session-story";
import { requirePageRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { getTicketStory } from "@/lib/support/queries";

export const metadata: Metadata = { title: "Ticket (support)" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

// GET /admin/tickets/:id – one ticket's story, told as a session's: the holder and the creator in the show's room.
export default async function AdminTicketPage({ params }: Props) {
  const { id } = await params;
  const admin = await requirePageRole(`/admin/tickets/${id}`, "admin");
  const view = await getTicketStory(admin, id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  return (
    <SessionStoryView
      view={view}
      crumbs={
        <>
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          /{" "}
          <Link className="text-brand underline" href={view.subject.href}>
            The show
          </Link>
        </>
      }
    />
  );
}
