import { ZodError, z } from "zod";
import { AppError } from "@/lib/errors";
import type { Logger } from "@/lib/logger";

/** Maps any error thrown in a route handler to a JSON answer that says what was wrong. */
export function toErrorResponse(err: unknown, log: Logger) {
  if (err instanceof ZodError) {
    return Response.json({ error: "Some fields are not valid.", fieldErrors: z.flattenError(err).fieldErrors }, { status: 422 });
  }
  if (err instanceof AppError) {
    return Response.json({ error: err.message, code: err.code, fieldErrors: err.fieldErrors }, { status: err.status });
  }
  if (err instanceof SyntaxError) {
    return Response.json({ error: "The request body must be valid JSON." }, { status: 400 });
  }
  log.error({ err }, "unhandled error in route");
  return Response.json({ error: "Something went wrong on our side. Try again in a moment." }, { status: 500 });
}

/**
 * Reads a JSON body, answering 415 for another content type (a cross-site form cannot send JSON)
 * and 400 (not 500) when it is not JSON.
 */
export async function readJson(req: Request): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await req.text();
  if (!text) throw new AppError("bad_request", "The request body is empty; send JSON.");
  return JSON.parse(text);
}
