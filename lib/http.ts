import { unstable_rethrow } from "next/navigation";
import { AppError, GENERIC_FAULT, describeError } from "@/lib/errors";
import { logger, withLogContext, type Logger } from "@/lib/logger";

/** Maps any error thrown in a route handler to a JSON answer that says what was wrong. */
export function toErrorResponse(err: unknown, log: Logger) {
  const known = describeError(err);
  if (known)
    return Response.json(
      {
        error: known.message,
        code: known.code,
        fieldErrors: known.fieldErrors,
        ...(known.details ? { details: known.details } : {}),
      },
      { status: known.status },
    );
  log.error({ err }, "unhandled error in route");
  return Response.json({ error: GENERIC_FAULT }, { status: 500 });
}

/**
 * Reads a JSON body, answering 415 for another content type (a cross-site form cannot send JSON)
 * and 400 (not 500) when it is empty or not JSON.
 */
export async function readJson(req: Request): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await req.text();
  if (!text) throw new AppError("bad_request", "The request body is empty; send JSON.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body must be valid JSON.");
  }
}

/**
 * Reads the body as text, stopping with 413 as soon as it passes `maxBytes`, whether or not the client
 * declared a Content-Length (a chunked body has none).
 */
export async function readTextCapped(req: Request, maxBytes: number, tooLarge: string): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw new AppError("payload_too_large", tooLarge);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", tooLarge);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Wraps a route handler: every log line inside carries the request id, and any error becomes a
 * clear JSON answer (4xx for the caller's mistakes, a logged 500 for ours).
 */
export function route<A extends unknown[]>(name: string, handler: (req: Request, ...rest: A) => Promise<Response>) {
  return (req: Request, ...rest: A) =>
    withLogContext(req.headers.get("x-request-id") ?? crypto.randomUUID(), async () => {
      try {
        return await handler(req, ...rest);
      } catch (err) {
        unstable_rethrow(err); // redirect(), notFound() and friends are answers, not failures
        return toErrorResponse(err, logger.child({ route: name }));
      }
    });
}
