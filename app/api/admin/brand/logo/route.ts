import { requireRole } from "@/lib/auth/session";
import { MAX_LOGO_BYTES, storeBrandLogo } from "@/lib/branding/uploads";
import { readBytes, route } from "@/lib/http";

// POST /api/admin/brand/logo – an admin uploads a logo (the file itself as the body); answers the stored
// logo and favicon. The brand changes only when the console's form is saved with them.
export const POST = route("POST /api/admin/brand/logo", { maxBodyBytes: MAX_LOGO_BYTES }, async (req) => {
  const admin = await requireRole("admin");
  const bytes = await readBytes(req, `The logo may be at most ${MAX_LOGO_BYTES / 1024 / 1024} MB.`);
  return Response.json(await storeBrandLogo(admin, bytes), { status: 201 });
});
