import { LARGEST_MAX_BODY_BYTES, readText, route } from "@/lib/http";
import { countWebhook } from "@/lib/ops/prometheus";
import { processStripeWebhook } from "@/lib/payments/webhook";
import { purchases } from "@/lib/runtime/purchases";

// POST /api/stripe/webhook – Stripe's signed events decide what is paid. The raw body is verified as
// received (never re-serialised). 400 for a bad or stale signature, 200 for duplicates and unknown
// types, 5xx when a handler fails so that Stripe retries.
// Stripe's servers call it (no cookie, no Origin): the signature, not the origin, is what is checked.
export const POST = route(
  "POST /api/stripe/webhook",
  { callers: "signed-webhook", maxBodyBytes: LARGEST_MAX_BODY_BYTES },
  async (req) => {
    const outcome = await countWebhook(
      "stripe",
      processStripeWebhook(await readText(req), req.headers.get("stripe-signature"), purchases),
    );
    return Response.json({ received: true, ...outcome });
  },
);
