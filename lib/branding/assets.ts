import "server-only";
import { storage } from "@/lib/storage";
import type { Brand } from "./theme";
import { brandAssetKeyForFile } from "./assets-keys";

/** The uploaded logo as a data: URL (for images drawn on the server), or null when there is none. */
export async function brandLogoDataUrl(brand: Pick<Brand, "logoUrl">): Promise<string | null> {
  const file = brand.logoUrl?.startsWith("/brand-assets/") ? brand.logoUrl.slice("/brand-assets/".length) : null;
  const key = file ? brandAssetKeyForFile(file) : null;
  if (!key) return null;
  const object = await storage().read(key);
  if (!object) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk));
  return `data:image/png;base64,${Buffer.concat(chunks).toString("base64")}`;
}
