import "server-only";
import { createHash } from "node:crypto";
import sharp from "sharp";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { storage } from "@/lib/storage";
import { brandAssetKey, brandAssetUrl } from "./assets-keys";

/** The largest logo file accepted (the route reads no more than this). */
export const MAX_LOGO_BYTES = 1024 * 1024;
/** Decoded size cap: a small file that decodes to a huge canvas (a "decompression bomb") is refused. */
const MAX_INPUT_PIXELS = 25_000_000;
const ACCEPTED = new Set(["png", "jpeg", "webp"]);
export const LOGO_TYPES_SENTENCE = "Upload a PNG, JPEG or WebP image (SVG is refused: it can carry scripts).";

function looksLikeSvgOrHtml(bytes: Buffer) {
  const head = bytes
    .subarray(0, 1024)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  return head.startsWith("<") || head.includes("<svg") || head.includes("<script");
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex").slice(0, 32);

export type StoredLogo = { logoKey: string; faviconKey: string; logoUrl: string; faviconUrl: string };

/**
 * Takes an uploaded logo (admins only): refuses anything but PNG, JPEG and WebP by its bytes (never by
 * the name or the declared type), decodes it with sharp, and stores two re-encoded PNGs under
 * content-addressed keys: the logo fitted inside 512×512, and a 64×64 favicon. Re-encoding drops any
 * metadata and anything else the original carried. Storing does not change the brand: saving the
 * console's form does.
 */
export async function storeBrandLogo(actor: Actor, bytes: Buffer): Promise<StoredLogo> {
  assertRole(actor, ["admin"]);
  if (bytes.length === 0) throw new AppError("invalid", "The file is empty.", { logo: ["The file is empty."] });
  if (bytes.length > MAX_LOGO_BYTES)
    throw new AppError("payload_too_large", `The logo may be at most ${MAX_LOGO_BYTES / 1024 / 1024} MB.`);
  if (looksLikeSvgOrHtml(bytes)) throw new AppError("unsupported_media_type", LOGO_TYPES_SENTENCE);
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    throw new AppError("unsupported_media_type", `This file is not an image we can read. ${LOGO_TYPES_SENTENCE}`);
  }
  if (!format || !ACCEPTED.has(format)) throw new AppError("unsupported_media_type", LOGO_TYPES_SENTENCE);
  let logo: Buffer;
  let icon: Buffer;
  try {
    const source = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    logo = await source()
      .resize(512, 512, { fit: "inside", withoutEnlargement: true })
      .png({ compressionLevel: 9 })
      .toBuffer();
    icon = await source()
      .resize(64, 64, { fit: "contain", background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png({ compressionLevel: 9 })
      .toBuffer();
  } catch {
    throw new AppError("unsupported_media_type", `This image could not be decoded. ${LOGO_TYPES_SENTENCE}`);
  }
  const logoKey = brandAssetKey("logo", sha(logo));
  const faviconKey = brandAssetKey("icon", sha(icon));
  const store = storage();
  await store.put(logoKey, logo);
  await store.put(faviconKey, icon);
  return { logoKey, faviconKey, logoUrl: brandAssetUrl(logoKey)!, faviconUrl: brandAssetUrl(faviconKey)! };
}
