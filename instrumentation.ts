/**
 * Runs once when the server starts. In the Node.js runtime it starts Booth's sweeper: lapsed holds are
 * released, refunds that never reached Stripe (a crash, a timeout) are retried with their idempotency
 * keys, and unsent mail is delivered. Every one of those is recorded in the database first, so a
 * restart loses nothing; the sweeper only finishes the work.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startSweeper } = await import("@/lib/ops/sweeper");
  startSweeper();
  // Live sessions: the closing warning, the room's closing at the end plus grace, and the settlement
  // (completed or no-show) a minute later; each is recorded once, so a restart repeats nothing.
  const { startSessionSweeper } = await import("@/lib/sessions/lifecycle");
  startSessionSweeper();
}
