import pino from "pino";

/**
 * Structured JSON logs. Request-scoped loggers (lib/request.ts) add the request id.
 * Secrets are redacted by key wherever they appear.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { app: "booth" },
  redact: {
    paths: ["password", "passwordHash", "token", "secret", "authorization", "cookie", "*.password", "*.passwordHash", "*.token", "*.secret", "*.authorization", "*.cookie"],
    censor: "[redacted]",
  },
});

export type Logger = pino.Logger;
