import "server-only";
import { sweepLapsedHolds } from "@/lib/bookings/holds";
import { logger } from "@/lib/logger";
import { deliverPendingEmails } from "@/lib/mail/service";
import { retryPendingRefunds } from "@/lib/payments/refunds";

const log = logger.child({ module: "sweeper" });
const g = globalThis as unknown as { boothSweeper?: NodeJS.Timeout };

/** One pass; each part is independent, so one failing does not stop the others. */
export async function sweepOnce() {
  const [holds, refunds, mail] = await Promise.allSettled([sweepLapsedHolds(), retryPendingRefunds(), deliverPendingEmails()]);
  for (const r of [holds, refunds, mail]) if (r.status === "rejected") log.error({ err: r.reason }, "sweeper step failed");
  return { holds, refunds, mail };
}

export function startSweeper(everyMs = 30_000) {
  if (g.boothSweeper) return;
  g.boothSweeper = setInterval(() => void sweepOnce(), everyMs);
  g.boothSweeper.unref();
}
