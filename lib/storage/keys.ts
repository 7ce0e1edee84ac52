/**
 * Storage keys (pure). A key is what Booth calls a stored file: lower-case segments joined by "/",
 * such as `brands/default/logo-3f2a.png` or `recordings/2026/12/EG_abc.ogg`. Keys are made by Booth's
 * code, never taken from a request as they are: a request names a record, and the record holds its key.
 * Validation still refuses anything that could leave the storage root, so a mistake cannot become a
 * path traversal on disk or a foreign prefix in a bucket.
 */

const SEGMENT = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export class InvalidStorageKeyError extends Error {
  constructor(key: string, why: string) {
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 200))}: ${why}`);
    this.name = "InvalidStorageKeyError";
  }
}

/** Throws unless `key` is a safe storage key; returns it for chaining. */
export function assertStorageKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw new InvalidStorageKeyError(String(key), "empty");
  if (key.length > 512) throw new InvalidStorageKeyError(key, "longer than 512 characters");
  const segments = key.split("/");
  for (const s of segments) {
    if (s === "" || s === "." || s === "..") throw new InvalidStorageKeyError(key, "empty, '.' or '..' segment");
    if (!SEGMENT.test(s))
      throw new InvalidStorageKeyError(key, `segment ${JSON.stringify(s)} has characters outside a-z 0-9 . _ -`);
    if (s.includes("..")) throw new InvalidStorageKeyError(key, "'..' inside a segment");
  }
  return key;
}

export function isStorageKey(key: string): boolean {
  try {
    assertStorageKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Joins validated segments into a key. */
export function storageKey(...segments: string[]): string {
  return assertStorageKey(segments.join("/"));
}

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  svg: "image/svg+xml",
  ico: "image/x-icon",
  pdf: "application/pdf",
  json: "application/json",
  mp4: "video/mp4",
  webm: "video/webm",
  ogg: "audio/ogg",
  ogv: "video/ogg",
  m4a: "audio/mp4",
  txt: "text/plain; charset=utf-8",
};

/** The content type a key's extension stands for; application/octet-stream when unknown. */
export function contentTypeFor(key: string): string {
  const ext = key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  return TYPES[ext] ?? "application/octet-stream";
}

/** A parsed `Range: bytes=…` header for an object of `size` bytes (one range; others are ignored per RFC 9110). */
export type ByteRange = { start: number; end: number };

/**
 * Returns the inclusive range a Range header asks for, `null` when there is none or it is not a bytes
 * range (serve the whole object), or `"unsatisfiable"` (answer 416).
 */
export function parseRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === "" && b === "") return null;
  if (size === 0) return "unsatisfiable";
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  if (start >= size) return "unsatisfiable";
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (end < start) return "unsatisfiable";
  return { start, end };
}
