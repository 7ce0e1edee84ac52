import { brandAssetKeyForFile } from "@/lib/branding/assets-keys";
import { route } from "@/lib/http";
import { storage } from "@/lib/storage";
import { serveStoredObject } from "@/lib/storage/http";

type Params = { params: Promise<{ file: string }> };

// GET /brand-assets/:file – the brand's logo and favicon, public (emails and the sign-in page show them).
// The name must be exactly logo-<32 hex>.png or icon-<32 hex>.png; anything else is 404 before storage is
// touched, so no request can reach another file. Names are content-addressed: cached for a year.
async function serve(req: Request, { params }: Params) {
  const key = brandAssetKeyForFile((await params).file);
  if (!key) return Response.json({ error: "This file does not exist." }, { status: 404 });
  return serveStoredObject(req, storage(), key, { cacheControl: "public, max-age=31536000, immutable" });
}

export const GET = route("GET /brand-assets/:file", serve);
export const HEAD = route("HEAD /brand-assets/:file", serve);
