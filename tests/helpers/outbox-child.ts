/**
 * A separate process for the outbox fault tests (tests/integration/outbox.test.ts), killed on purpose at a
 * named point (BOOTH_FAULTS). Usage:
 *   cancel <bookingId> <userId>   cancels a paid booking as that user (commits a refund and its effect)
 *   run <effectId>                runs one outbox effect (the refund is sent; the process dies before recording it)
 *   pay <payload> <signature>     applies a signed Stripe event as the webhook route does (a paid checkout)
 */
import { db } from "@/lib/db";
import { runEffects } from "@/lib/ops/outbox";
import { installEffects } from "@/lib/runtime/effects";

const [command, ...args] = process.argv.slice(2);
installEffects();
if (command === "cancel") {
  const { cancelBooking } = await import("@/lib/bookings/service");
  const { getActorOrThrow } = await import("@/lib/auth/queries");
  const actor = await getActorOrThrow(args[1]!);
  await cancelBooking(actor, args[0]!);
} else if (command === "pay") {
  const { processStripeWebhook } = await import("@/lib/payments/webhook");
  const { purchases } = await import("@/lib/runtime/purchases");
  await processStripeWebhook(args[0]!, args[1]!, purchases);
} else if (command === "run") {
  await runEffects({ ids: [args[0]!] });
} else {
  throw new Error(`unknown command ${command}`);
}
// Only reached when no fault was injected.
await db.$disconnect();
process.exit(0);
