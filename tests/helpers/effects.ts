/**
 * Waits until the outbox effects this test process wrote (refunds to send, checkouts to close, room calls)
 * have been carried out: the nudge a service started after its commit, then any left. A request in the app
 * only nudges its own process; a test that calls a service directly is that process, so it waits here
 * before it looks at what the effect changed. The handlers are wired on first use (importing them parses
 * the environment, which some files set up first).
 */
export async function flushEffects() {
  const { runMine, settleNudges } = await import("@/lib/ops/outbox");
  const { installEffects } = await import("@/lib/runtime/effects");
  installEffects();
  await settleNudges();
  await runMine();
  await settleNudges();
}
