import { requireRole } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { storage } from "@/lib/storage";
import { serveStoredObject } from "@/lib/storage/http";
import { openVerificationDocument } from "@/lib/verification/service";

type Ctx = { params: Promise<{ id: string; which: string }> };

// GET /api/admin/verifications/:id/:which?expires&sig – one verification document, for the admin the signed
// link was made for, before it expires; each opening is an audit row. Never cached.
export const GET = route("GET /api/admin/verifications/:id/:which", async (req, { params }: Ctx) => {
  const admin = await requireRole("admin");
  const { id, which } = await params;
  const url = new URL(req.url);
  const doc = await openVerificationDocument(admin, id, which, {
    expires: url.searchParams.get("expires"),
    sig: url.searchParams.get("sig"),
  });
  return serveStoredObject(req, storage(), doc.key, {
    cacheControl: "private, no-store",
    downloadName: doc.downloadName,
  });
});
