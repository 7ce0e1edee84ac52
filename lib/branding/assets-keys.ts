/**
 * Names of the brand's stored images (pure). An upload is stored under a content-addressed key,
 * `brand/logo-<32 hex>.png` or `brand/icon-<32 hex>.png`, and served at `/brand-assets/<file>`. The
 * serving route accepts only a file name of exactly this shape, so a request can name nothing else in
 * the storage root (no other folder, no "..", no other extension).
 */
const FILE = /^(logo|icon)-[0-9a-f]{32}\.png$/;
const PREFIX = "brand/";

export type BrandAssetKind = "logo" | "icon";

export function brandAssetKey(kind: BrandAssetKind, hash: string): string {
  const file = `${kind}-${hash.slice(0, 32)}.png`;
  if (!FILE.test(file)) throw new Error(`not a brand asset hash: ${hash.slice(0, 40)}`);
  return PREFIX + file;
}

/** The storage key for a requested file name, or null when the name is not one Booth could have made. */
export function brandAssetKeyForFile(file: string): string | null {
  return FILE.test(file) ? PREFIX + file : null;
}

/** The public path of a stored brand image; null for a key that is not a brand asset. */
export function brandAssetUrl(key: string): string | null {
  if (!key.startsWith(PREFIX)) return null;
  const file = key.slice(PREFIX.length);
  return FILE.test(file) ? `/brand-assets/${file}` : null;
}

/** True when `key` is a brand asset key of `kind` (a stored setting is checked before it is saved). */
export function isBrandAssetKey(key: string, kind: BrandAssetKind): boolean {
  return key.startsWith(`${PREFIX}${kind}-`) && brandAssetKeyForFile(key.slice(PREFIX.length)) !== null;
}
