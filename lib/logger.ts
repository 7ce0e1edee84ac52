import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream } from "pino";

/** Per-request fields (the request id) that every log line written inside the request carries. */
export const logContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` with `requestId` attached to every log line it writes, in any domain module. */
export function withLogContext<T>(requestId: string, fn: () => T): T {
  return logContext.run({ requestId }, fn);
}

const redactPaths = ["password", "passwordHash", "token", "secret", "authorization", "cookie"];

/**
 * Set by tests that provoke a failure on purpose (tests/helpers/faults.ts): error lines logged inside
 * are written at debug level instead and counted, so a run's output shows only errors nobody expected.
 */
export const expectedFault = new AsyncLocalStorage<{ what: string; errorsLogged: number }>();

/** Structured JSON logs; secrets are redacted by key wherever they appear, one level deep. */
export function createLogger(
  destination?: DestinationStream,
  level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
) {
  return pino(
    {
      level,
      base: { app: "booth" },
      mixin: () => logContext.getStore() ?? {},
      redact: { paths: [...redactPaths, ...redactPaths.map((p) => `*.${p}`)], censor: "[redacted]" },
      hooks: {
        logMethod(args, method, level) {
          const fault = level >= 50 ? expectedFault.getStore() : undefined;
          if (!fault) return method.apply(this, args);
          fault.errorsLogged++;
          const quiet = this.child({ expectedFault: fault.what });
          (quiet.debug as (...a: unknown[]) => void).apply(quiet, args);
        },
      },
    },
    destination,
  );
}

export const logger = createLogger();
export type Logger = pino.Logger;
