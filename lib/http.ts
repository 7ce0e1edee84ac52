import { unstable_rethrow } from "next/navigation";
import { NextRequest } from "next/server";
import { env } from "@/lib/env";
import { AppError, GENERIC_FAULT, describeError } from "@/lib/errors";
import { logger, withLogContext, type Logger } from "@/lib/logger";
import { metrics } from "@/lib/ops/prometheus";
import { controlCharacterErrors } from "@/lib/schemas/text";
import { isCrossOriginRequest } from "@/lib/security/origin";

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

/** Bytes a route reads from a request body unless its definition says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024;

/** The largest body any route accepts (Stripe's events); next.config.ts caps what Next.js buffers to this. */
export const LARGEST_MAX_BODY_BYTES = 1024 * 1024;

// The cap route() declared for each request it wraps, read by readJson/readText (a request belongs to one route).
const bodyCaps = new WeakMap<Request, number>();

function capOf(req: Request) {
  return bodyCaps.get(req) ?? DEFAULT_MAX_BODY_BYTES;
}

function tooLargeMessage(maxBytes: number) {
  return `The request body may be at most ${maxBytes.toLocaleString("en")} bytes.`;
}

/**
 * Reads a JSON body through the route's cap (413 while reading, never after buffering it all),
 * answering 415 for any other content type, even when the body is empty (a cross-site form cannot
 * send JSON), and 400 (not 500) when it is not JSON. An empty JSON body is 400 too, unless
 * `emptyAs` says what it means (a POST with nothing to say).
 */
export async function readJson(req: Request, opts: { emptyAs?: unknown } = {}): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readTextCapped(req, capOf(req), tooLargeMessage(capOf(req)));
  if (!text.trim()) {
    if (opts.emptyAs !== undefined) return opts.emptyAs;
    throw new AppError("bad_request", "The request body is empty; send JSON.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body must be valid JSON.");
  }
}

/** The raw body as text, through the route's cap (webhooks verify signatures on the exact bytes). */
export function readText(req: Request, tooLarge?: string): Promise<string> {
  return readTextCapped(req, capOf(req), tooLarge ?? tooLargeMessage(capOf(req)));
}

/**
 * Reads the body as text, stopping with 413 as soon as it passes `maxBytes`, whether or not the client
 * declared a Content-Length (a chunked body has none).
 */
export async function readTextCapped(req: Request, maxBytes: number, tooLarge: string): Promise<string> {
  return (await readBytesCapped(req, maxBytes, tooLarge)).toString("utf8");
}

/** The raw body as bytes, through the route's cap (an uploaded image). */
export function readBytes(req: Request, tooLarge?: string): Promise<Buffer> {
  return readBytesCapped(req, capOf(req), tooLarge ?? tooLargeMessage(capOf(req)));
}

async function readBytesCapped(req: Request, maxBytes: number, tooLarge: string): Promise<Buffer> {
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) throw new AppError("payload_too_large", tooLarge);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The client went away mid-body (a tab closed, a page left): its answer reaches nobody, and it is not
      // a fault of ours to log as one.
      throw new AppError("bad_request", "The request was cut off before its body arrived; send it again.");
    }
    const { done, value } = next;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError("payload_too_large", tooLarge);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The same request with its body already read through the route's cap, for a library that reads the
 * body itself (next-auth's form posts).
 */
export async function withCappedBody(req: Request): Promise<NextRequest> {
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readText(req);
  return new NextRequest(req.url, { method: req.method, headers: req.headers, body });
}

export type RouteOptions = {
  /** The most bytes this route reads from a body (readJson/readText); default DEFAULT_MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /**
   * "signed-webhook": POSTs come from another server and carry no cookie; they prove themselves with a
   * signature over the body, so the same-origin check does not apply. Anything else is checked.
   */
  callers?: "browser-or-server" | "signed-webhook";
};

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const CROSS_ORIGIN_REFUSAL =
  "This request came from another website, so it was refused. Open Booth itself and try again there.";

/** 403 unless a state-changing request comes from Booth's own pages (or from no browser at all). */
export function assertSameOrigin(req: Request) {
  if (STATE_CHANGING.has(req.method) && isCrossOriginRequest(req.headers, env.APP_URL)) {
    throw new AppError("forbidden", CROSS_ORIGIN_REFUSAL);
  }
}

/** 422 naming the path parameter when one holds a control character (the id would reach PostgreSQL). */
async function checkParams(context: unknown) {
  const params = (context as { params?: Promise<Record<string, string | string[] | undefined>> } | undefined)?.params;
  if (!params) return;
  const values = Object.entries(await params).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, unknown]),
  );
  const fieldErrors = controlCharacterErrors(values);
  if (fieldErrors) throw new AppError("invalid", "The address contains control characters.", fieldErrors);
}

type Handler<A extends unknown[]> = (req: Request, ...rest: A) => Promise<Response>;

/**
 * Wraps a route handler: every log line inside carries the request id, a state-changing request from
 * another site is refused (403) unless the route is a signed webhook, path parameters with control
 * characters are refused (422), bodies are read through the route's cap, and any error becomes a clear
 * JSON answer (4xx for the caller's mistakes, a logged 500 for ours).
 */
export function route<A extends unknown[]>(name: string, handler: Handler<A>): Handler<A>;
export function route<A extends unknown[]>(name: string, options: RouteOptions, handler: Handler<A>): Handler<A>;
export function route<A extends unknown[]>(name: string, a: RouteOptions | Handler<A>, b?: Handler<A>): Handler<A> {
  const options = typeof a === "function" ? {} : a;
  const handler = typeof a === "function" ? a : b!;
  return (req: Request, ...rest: A) =>
    withLogContext(req.headers.get("x-request-id") ?? crypto.randomUUID(), async () => {
      const timer = metrics.httpDuration.startTimer({ route: name });
      let status = "500";
      try {
        // SECURITY: signed webhooks skip the origin check; their signature is checked instead.
        if (options.callers !== "signed-webhook") assertSameOrigin(req);
        await checkParams(rest[0]);
        bodyCaps.set(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        const res = await handler(req, ...rest);
        status = String(res.status);
        return res;
      } catch (err) {
        status = "next"; // until known otherwise: a redirect() or notFound() that Next.js answers
        unstable_rethrow(err); // redirect(), notFound() and friends are answers, not failures
        const res = toErrorResponse(err, logger.child({ route: name }));
        status = String(res.status);
        return res;
      } finally {
        timer();
        metrics.httpRequests.inc({ route: name, status });
      }
    });
}
