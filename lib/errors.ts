import { ZodError, z } from "zod";

/** The one error type domain code throws on purpose. Its message is written for the user. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  suspended: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type AppErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  /** Machine-readable detail for clients (e.g. why a session token was refused), sent beside the message. */
  details?: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  withDetails(details: Record<string, unknown>) {
    this.details = details;
    return this;
  }

  get status() {
    return errorStatus[this.code];
  }
}

/**
 * The server is set up wrong (a required variable is missing): our fault, never the caller's. Routes answer
 * 500 with the generic apology and log this message, which names what to fix.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** A field-level error, shown next to the field that caused it. */
export function fieldError(field: string, message: string) {
  return new AppError("invalid", message, { [field]: [message] });
}

/**
 * True when `err` is PostgreSQL refusing a duplicate on a unique key (Prisma P2002), optionally
 * only for the key on `field`. Prisma 7 with the pg adapter names either the fields or the index.
 */
export function isUniqueViolation(err: unknown, field?: string): boolean {
  const e = err as {
    code?: string;
    meta?: {
      target?: unknown;
      driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } };
    };
  };
  if (e?.code !== "P2002") return false;
  if (!field) return true;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const fields = constraint?.fields ?? (Array.isArray(e.meta?.target) ? (e.meta.target as string[]) : []);
  if (fields.some((f) => f.replace(/"/g, "") === field)) return true;
  // A column's unique index ("users_email_key"), or a constraint named in full ("brand_domains_pkey").
  return (
    typeof constraint?.index === "string" && (constraint.index === field || constraint.index.endsWith(`_${field}_key`))
  );
}

/** The PostgreSQL error code under a Prisma error raised through the pg adapter, when there is one. */
export function postgresCode(err: unknown): string | undefined {
  const e = err as {
    code?: string;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; code?: string; kind?: string } } };
    cause?: { code?: string };
  };
  const cause = e?.meta?.driverAdapterError?.cause;
  return (
    cause?.originalCode ??
    (cause?.kind === "postgres" ? cause.code : undefined) ??
    e?.cause?.code ??
    (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined)
  );
}

/** True when PostgreSQL refused a row by an exclusion constraint (23P01), e.g. an overlapping booking. */
export function isExclusionViolation(err: unknown): boolean {
  return postgresCode(err) === "23P01" || /23P01|exclusion constraint/i.test(String((err as Error)?.message ?? ""));
}

/**
 * True when PostgreSQL aborted a transaction to break a deadlock (40P01) or a serialization
 * conflict (40001; Prisma's P2034): nothing was written, and the same request can simply be sent again.
 */
export function isRetryableConflict(err: unknown): boolean {
  const code = postgresCode(err);
  return code === "40P01" || code === "40001" || (err as { code?: string })?.code === "P2034";
}

export const CONFLICT_RETRY = "Someone else changed this at the same moment, so nothing was saved. Please try again.";

/** What the caller is told about an error it caused; null for a fault of ours (log it, apologise). */
export function describeError(err: unknown): {
  status: number;
  message: string;
  code?: AppErrorCode;
  fieldErrors?: Record<string, string[] | undefined>;
  details?: Record<string, unknown>;
} | null {
  if (err instanceof ZodError) {
    return {
      status: 422,
      message: "Please fix the highlighted fields.",
      code: "invalid",
      fieldErrors: z.flattenError(err).fieldErrors as Record<string, string[]>,
    };
  }
  if (err instanceof AppError)
    return {
      status: err.status,
      message: err.message,
      code: err.code,
      fieldErrors: err.fieldErrors,
      details: err.details,
    };
  if (isRetryableConflict(err)) return { status: 409, message: CONFLICT_RETRY, code: "conflict" };
  return null;
}

export const GENERIC_FAULT = "Something went wrong on our side. Try again in a moment.";
