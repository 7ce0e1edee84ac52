import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";
import { getOutboxMessage } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

// GET /dev/outbox/:id/ics – the calendar file attached to an outbox message (development only)
export const GET = route("GET /dev/outbox/:id/ics", async (_req, { params }: { params: Promise<{ id: string }> }) => {
  const m = outboxEnabled() ? await getOutboxMessage((await params).id) : null;
  if (!m?.icsContent) throw new AppError("not_found", "No such calendar file.");
  return new Response(m.icsContent, { headers: { "content-type": "text/calendar; charset=utf-8", "content-disposition": `attachment; filename="${m.icsFilename ?? "session.ics"}"` } });
});
