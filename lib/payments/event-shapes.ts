/**
 * What Booth reads from each Stripe event it acts on (pure zod): a signed event whose object lacks these
 * fields, or has them in another shape, is acknowledged and flagged instead of failing the handler (a 500
 * that Stripe would retry for days). Loose objects: Stripe sends far more than Booth reads.
 */
import { z } from "zod";

const id = z.string().min(1);
const idOrObject = z.union([id, z.looseObject({ id }), z.null()]).optional();
const metadata = z.record(z.string(), z.string()).nullish();
const cents = z.number().int().nonnegative();

const checkoutSession = z.looseObject({
  id,
  payment_status: z.string(),
  amount_total: cents.nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable(),
  metadata,
  payment_intent: idOrObject,
});
const charge = z.looseObject({ id, amount_refunded: cents, payment_intent: idOrObject, metadata });
const refund = z.looseObject({
  id,
  amount: cents,
  status: z.string().nullable(),
  payment_intent: idOrObject,
  metadata,
});
const dispute = z.looseObject({
  id,
  amount: cents,
  reason: z.string(),
  status: z.string(),
  payment_intent: idOrObject,
});

export const stripeEventShapes: Record<string, z.ZodType> = {
  "checkout.session.completed": checkoutSession,
  "checkout.session.async_payment_succeeded": checkoutSession,
  "checkout.session.async_payment_failed": checkoutSession,
  "checkout.session.expired": checkoutSession,
  "charge.refunded": charge,
  "refund.created": refund,
  "refund.updated": refund,
  "refund.failed": refund,
  "charge.dispute.created": dispute,
  "charge.dispute.closed": dispute,
};

/** Why an event's object cannot be used, or null when it has what Booth reads. */
export function eventShapeProblem(type: string, object: unknown): string | null {
  const shape = Object.hasOwn(stripeEventShapes, type) ? stripeEventShapes[type] : undefined;
  if (!shape) return null;
  const parsed = shape.safeParse(object);
  if (parsed.success) return null;
  const first = parsed.error.issues[0];
  return `data.object${first?.path.length ? `.${first.path.join(".")}` : ""}: ${first?.message ?? "invalid"}`;
}
