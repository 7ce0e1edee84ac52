import type { VerificationFile } from "./provider";

/**
 * What an uploaded verification file may be: a JPEG or PNG photo, or a PDF scan, recognised by its first bytes
 * (never by the name or the type the browser claims), within the size limit. Pure.
 */
export type FileCheck = { ok: true; file: VerificationFile } | { ok: false; message: string };

export function checkVerificationFile(bytes: Buffer, maxBytes: number, what: string): FileCheck {
  if (bytes.length === 0) return { ok: false, message: `Choose a file for the ${what}.` };
  if (bytes.length > maxBytes)
    return {
      ok: false,
      message: `The ${what} is ${(bytes.length / 1_048_576).toFixed(1)} MB; the limit is ${Math.floor(maxBytes / 1_048_576)} MB.`,
    };
  const head = bytes.subarray(0, 8);
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { ok: true, file: { bytes, ext: "jpg", contentType: "image/jpeg" } };
  if (head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { ok: true, file: { bytes, ext: "png", contentType: "image/png" } };
  if (head.subarray(0, 5).toString("latin1") === "%PDF-")
    return { ok: true, file: { bytes, ext: "pdf", contentType: "application/pdf" } };
  return { ok: false, message: `The ${what} must be a JPEG or PNG photo, or a PDF.` };
}
