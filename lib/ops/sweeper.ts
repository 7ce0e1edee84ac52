import "server-only";
import { sweepLapsedHolds } from "@/lib/bookings/holds";
import { logger } from "@/lib/logger";
import { deliverPendingEmails } from "@/lib/mail/service";
import { retryPendingRefunds } from "@/lib/payments/refunds";
import { env } from "@/lib/env";
import { sweepSessions } from "@/lib/sessions/lifecycle";

const log = logger.child({ module: "sweeper" });
const g = globalThis as unknown as { boothSweepers?: Record<string, NodeJS.Timeout> };

/** One pass; each part is independent, so one failing does not stop the others. */
export async function sweepOnce() {
  const [holds, refunds, mail] = await Promise.allSettled([
    sweepLapsedHolds(),
    retryPendingRefunds(),
    deliverPendingEmails(),
  ]);
  for (const r of [holds, refunds, mail])
    if (r.status === "rejected") log.error({ err: r.reason }, "sweeper step failed");
  return { holds, refunds, mail };
}

/** Runs `fn` every `everyMs` (once per process per name), never two passes at once; 0 turns it off. */
function every(name: string, everyMs: number, fn: () => Promise<unknown>) {
  g.boothSweepers ??= {};
  if (g.boothSweepers[name] || everyMs <= 0) return;
  let running = false;
  g.boothSweepers[name] = setInterval(() => {
    if (running) return;
    running = true;
    void fn()
      .catch((err: unknown) => log.error({ err, sweep: name }, "sweep failed"))
      .finally(() => (running = false));
  }, everyMs);
  g.boothSweepers[name].unref();
}

/**
 * Every 30 s: holds, refunds and mail. Every SESSION_SWEEP_MS (10 s): live sessions' closing warning,
 * closing and settlement, which should land within seconds of their time.
 */
export function startSweepers() {
  every("payments-and-mail", 30_000, sweepOnce);
  every("sessions", env.SESSION_SWEEP_MS, () => sweepSessions());
}
