import "server-only";
import { env } from "@/lib/env";
import { stripe, webhookSecret } from "./stripe";

/** A Stripe event as Stripe would deliver it, signed with the endpoint's secret. */
export function signedTestEvent(type: string, object: Record<string, unknown>) {
  const event = {
    id: `evt_test_booth_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  const payload = JSON.stringify(event);
  return {
    event,
    payload,
    signature: stripe().webhooks.generateTestHeaderString({ payload, secret: webhookSecret() }),
  };
}

/**
 * Delivers a signed event to this app's /api/stripe/webhook over HTTP, exactly as Stripe does: the
 * test checkout exercises the production money path, request parsing and signature check included.
 * Throws when the endpoint does not accept it (a 4xx or 5xx), as Stripe would then retry.
 */
export async function sendTestEvent(type: string, object: Record<string, unknown>) {
  const { payload, signature, event } = signedTestEvent(type, object);
  const res = await fetch(new URL("/api/stripe/webhook", env.APP_URL), {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json", "stripe-signature": signature },
    cache: "no-store",
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`the webhook answered ${res.status} to test event ${event.id} (${type})`);
  return event.id;
}
