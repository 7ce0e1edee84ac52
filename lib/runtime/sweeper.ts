import "server-only";
import { sweepBookingReminders } from "@/lib/bookings/reminders";
import { sweepUnusedBrandAssets } from "@/lib/branding/cleanup";
import { sweepLapsedHolds } from "@/lib/bookings/transition";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { deliverPendingEmails, deliverSoon } from "@/lib/mail/service";
import { runEffects } from "@/lib/ops/outbox";
import { recordSweep } from "@/lib/ops/prometheus";
import { nightlyReconciliation } from "@/lib/payments/reconciliation";
import { reconcileRefunds } from "@/lib/payments/refunds";
import { sweepExpiredRecordings } from "@/lib/recordings/retention";
import { reconcileRecordings } from "@/lib/recordings/service";
import { sweepSessions } from "@/lib/sessions/lifecycle";
import { sweepShows } from "@/lib/shows/lifecycle";
import { sweepShowReminders } from "@/lib/shows/reminders";
import { sweepLapsedTicketHolds } from "@/lib/shows/transition";
import { sweepVerificationDocuments } from "@/lib/verification/service";
import { installEffects } from "./effects";
import { purchases } from "./purchases";

const log = logger.child({ module: "sweeper" });
const g = globalThis as unknown as { boothSweepers?: Record<string, NodeJS.Timeout> };

/** One pass of the slow sweep; each part is independent, so one failing does not stop the others. */
export async function sweepOnce() {
  const steps = {
    holds: sweepLapsedHolds(),
    ticketHolds: sweepLapsedTicketHolds(),
    refunds: reconcileRefunds(purchases),
    verificationDocuments: sweepVerificationDocuments(),
    recordings: sweepExpiredRecordings(),
    recordingEnds: env.RECORDING_ENABLED === "1" ? reconcileRecordings() : Promise.resolve(0),
    // Reminders are queued before this pass's delivery reads the mail outbox; the next pass sends any it missed.
    mail: Promise.allSettled([sweepBookingReminders(), sweepShowReminders()]).then((reminders) => {
      for (const r of reminders) if (r.status === "rejected") log.error({ err: r.reason }, "reminder sweep failed");
      return deliverPendingEmails();
    }),
  };
  const results = await Promise.allSettled(Object.values(steps));
  for (const r of results) if (r.status === "rejected") log.error({ err: r.reason }, "sweeper step failed");
  return results;
}

/** Runs `fn` every `everyMs` (once per process per name), never two passes at once; 0 turns it off. */
function every(name: string, everyMs: number, fn: () => Promise<unknown>) {
  g.boothSweepers ??= {};
  if (g.boothSweepers[name] || everyMs <= 0) return;
  let running = false;
  g.boothSweepers[name] = setInterval(() => {
    if (running) return;
    running = true;
    const startedAt = Date.now();
    let ok = true;
    void fn()
      .catch((err: unknown) => {
        ok = false;
        log.error({ err, sweep: name }, "sweep failed");
      })
      .finally(() => {
        running = false;
        recordSweep(name, everyMs, startedAt, ok);
      });
  }, everyMs);
  g.boothSweepers[name].unref();
}

/**
 * Starts this process's background work: every 30 s lapsed holds, refunds still pending at Stripe,
 * reminders before sessions and shows, and mail; every OUTBOX_SWEEP_MS (5 s) outbox effects that are due (left by a crash, or backing off); every
 * SESSION_SWEEP_MS (10 s) live sessions' closing warning, closing and settlement, which should land within
 * seconds of their time; every 15 minutes whether tonight's reconciliation with Stripe is due. Every app process runs them: rows are claimed, so two never do one thing twice.
 */
export function startSweepers() {
  installEffects();
  every("payments-and-mail", 30_000, sweepOnce);
  // Mail an effect wrote (a confirmation composed after its commit) goes out now, not on the next mail pass.
  every("outbox", env.OUTBOX_SWEEP_MS, async () => {
    if ((await runEffects()).done > 0) deliverSoon();
  });
  // Once per UTC day from 03:00 (every replica asks; the run's day key lets one do it).
  every("reconciliation", 15 * 60_000, () => nightlyReconciliation());
  // Brand images uploaded and never saved, a day on (listing a bucket is not free: four times a day).
  every("brand-assets", 6 * 3600_000, () => sweepUnusedBrandAssets());
  every("sessions", env.SESSION_SWEEP_MS, async () => {
    await sweepSessions();
    await sweepShows();
  });
}
