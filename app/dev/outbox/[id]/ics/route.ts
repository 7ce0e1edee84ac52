import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getOutboxMessage } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

/** Only [A-Za-z0-9_.-]: the stored name goes into a quoted header parameter. */
function attachmentName(name: string | null): string {
  const safe = (name ?? "").replace(/[^\w.-]/g, "");
  return safe.endsWith(".ics") && safe.length > 4 ? safe : "session.ics";
}

// GET /dev/outbox/:id/ics – the calendar file attached to an outbox message (only while mail is kept)
export const GET = route("GET /dev/outbox/:id/ics", async (_req, { params }: { params: Promise<{ id: string }> }) => {
  const m = outboxEnabled() ? await getOutboxMessage((await params).id, await getRequestBrandId()) : null;
  if (!m?.icsContent) throw new AppError("not_found", "No such calendar file.");
  return new Response(m.icsContent, {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="${attachmentName(m.icsFilename)}"`,
      "cache-control": "no-store",
    },
  });
});
