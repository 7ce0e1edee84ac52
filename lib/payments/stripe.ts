import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { ConfigurationError } from "@/lib/errors";

let client: Stripe | undefined;

/**
 * The Stripe client. STRIPE_API_BASE points it elsewhere (stripe-mock in tests). Without a secret key
 * (test checkout) it is still used offline, to verify and sign webhook payloads.
 */
export function stripe(): Stripe {
  if (client) return client;
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  client = new Stripe(env.STRIPE_SECRET_KEY ?? "sk_test_booth_offline_checkout", {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "Booth" },
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol.replace(":", "") as "http" | "https",
        }
      : {}),
  });
  return client;
}

/** True when payments go to Stripe; false when checkout is Booth's own test page. */
export function stripeConfigured() {
  return Boolean(env.STRIPE_SECRET_KEY);
}

export function webhookSecret(): string {
  if (!env.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigurationError(
      "STRIPE_WEBHOOK_SECRET is not set: Stripe webhooks cannot be verified (see .env.example)",
    );
  }
  return env.STRIPE_WEBHOOK_SECRET;
}

/** Whether the configured key takes real money (sk_live_/rk_live_); events must say the same (livemode). */
export function liveMode() {
  return /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY ?? "");
}
