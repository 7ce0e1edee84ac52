/**
 * Runs once when the server starts. In the Node.js runtime it starts Booth's sweepers: lapsed holds are
 * released, refunds that never reached Stripe (a crash, a timeout) are retried with their idempotency
 * keys, unsent mail is delivered, and live sessions are warned, closed and settled (completed or
 * no-show). Every one of those is recorded in the database first, so a restart loses nothing and
 * repeats nothing; the sweepers only finish the work.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startSweepers } = await import("@/lib/runtime/sweeper");
  startSweepers();
}
