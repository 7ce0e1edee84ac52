import { Readable } from "node:stream";
import { parseRange } from "./keys";
import type { ObjectStorage } from "./types";

export type ServeOptions = {
  /** Cache-Control for the answer, e.g. "public, max-age=31536000, immutable" for content-addressed keys. */
  cacheControl: string;
  /** Offer the file as a download with this name instead of showing it inline. */
  downloadName?: string;
};

/**
 * Answers a GET or HEAD for one stored object: the right Content-Type, nosniff, an ETag, and HTTP range
 * requests (206 / 416) so that video players can seek. The caller has already decided that the
 * requester may see this object; the key comes from a record, never from the request.
 */
export async function serveStoredObject(
  req: Request,
  store: ObjectStorage,
  key: string,
  opts: ServeOptions,
): Promise<Response> {
  const info = await store.stat(key);
  if (!info) return Response.json({ error: "This file does not exist (any more)." }, { status: 404 });
  const etag = `"${info.size.toString(16)}-${info.modifiedAt.getTime().toString(16)}"`;
  const headers = new Headers({
    "Content-Type": info.contentType,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": opts.cacheControl,
    "Accept-Ranges": "bytes",
    ETag: etag,
    "Last-Modified": info.modifiedAt.toUTCString(),
    // An SVG opened directly must not run anything, whatever it holds.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  });
  if (opts.downloadName)
    headers.set("Content-Disposition", `attachment; filename="${opts.downloadName.replace(/[^\w.-]/g, "_")}"`);
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });

  const range = parseRange(req.headers.get("range"), info.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${info.size}`);
    return new Response(null, { status: 416, headers });
  }
  const length = range ? range.end - range.start + 1 : info.size;
  headers.set("Content-Length", String(length));
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${info.size}`);
  const status = range ? 206 : 200;
  if (req.method === "HEAD") return new Response(null, { status, headers });
  const object = await store.read(key, range ?? undefined);
  if (!object) return Response.json({ error: "This file does not exist (any more)." }, { status: 404 });
  return new Response(Readable.toWeb(object.body) as ReadableStream<Uint8Array>, { status, headers });
}
