import "server-only";
import { takeBudget } from "@/lib/rate-limit";

/**
 * Per-participant budgets for the session endpoints (lib/rate-limit.ts budgets): join tokens (each writes
 * a connection row and a trace event) and client diagnostics batches.
 */
export const takeToken = (userId: string, bookingId: string) => takeBudget("sessionToken", `${userId}:${bookingId}`);
/** The same budget as takeToken, spent in the statement that writes the connection row (grantRoomToken). */
export const tokenBudget = (userId: string, bookingId: string) =>
  ({ name: "sessionToken", key: `${userId}:${bookingId}` }) as const;
export const takeDiagnostics = (userId: string, bookingId: string) =>
  takeBudget("diagnostics", `${userId}:${bookingId}`);
