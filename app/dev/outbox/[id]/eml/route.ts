import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getOutboxMessage } from "@/lib/mail/queries";
import { outboxEnabled } from "@/lib/mail/service";

// GET /dev/outbox/:id/eml – the message as rendered for sending (only while mail is kept)
export const GET = route("GET /dev/outbox/:id/eml", async (_req, { params }: { params: Promise<{ id: string }> }) => {
  const m = outboxEnabled() ? await getOutboxMessage((await params).id, await getRequestBrandId()) : null;
  if (!m?.raw) throw new AppError("not_found", "No such message.");
  return new Response(m.raw, {
    headers: {
      "content-type": "message/rfc822",
      "content-disposition": `attachment; filename="${m.id.replace(/[^\w-]/g, "")}.eml"`,
      "cache-control": "no-store",
    },
  });
});
