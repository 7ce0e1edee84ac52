import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Fragment } from "react";
import { TestCheckoutForms } from "@/components/bookings/test-checkout-forms";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageUser } from "@/lib/auth/session";
import { getBrand } from "@/lib/branding/queries";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { getTestCheckout, testCheckoutEnabled } from "@/lib/payments/test-checkout";
import { purchases } from "@/lib/runtime/purchases";

export const metadata: Metadata = { title: "Test checkout" };
export const dynamic = "force-dynamic";

/** The app's own checkout for development and tests; absent when real Stripe keys are configured. */
export default async function TestCheckoutPage({ params }: { params: Promise<{ sessionId: string }> }) {
  if (!testCheckoutEnabled()) notFound();
  const { sessionId } = await params;
  const user = await requirePageUser(`/checkout/test/${sessionId}`);
  const c = await getTestCheckout(purchases, user.id, sessionId).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const { summary, open } = c;
  const brand = await getBrand();
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <p
        className="rounded-md border-2 border-dashed border-amber-500 bg-amber-50 px-4 py-3 text-center font-semibold text-amber-900"
        data-testid="test-mode-banner"
      >
        TEST MODE — no real money moves. This page stands in for the payment provider and sends the same signed events
        it would.
      </p>
      <h1 className="text-2xl font-bold">Checkout</h1>
      <p className="text-slate-700" data-testid="checkout-brand">
        Paying {brand.name}
        {brand.supportEmail ? ` · questions about this payment: ${brand.supportEmail}` : ""}
      </p>
      <Card title="Your order">
        <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
          {summary.lines.map((line) => (
            <Fragment key={line.label}>
              <dt className="font-medium">{line.label}</dt>
              <dd>{"at" in line ? <LocalTime iso={line.at.toISOString()} /> : line.text}</dd>
            </Fragment>
          ))}
          <dt className="font-medium">Total</dt>
          <dd className="text-lg font-semibold" data-testid="checkout-total">
            {formatMoney(c.amountCents, c.currency)}
          </dd>
          {c.checkoutExpiresAt ? (
            <>
              <dt className="font-medium">Held until</dt>
              <dd>
                <LocalTime iso={c.checkoutExpiresAt.toISOString()} />
              </dd>
            </>
          ) : null}
        </dl>
        {summary.policy ? <p className="mt-3 text-xs text-slate-500">{summary.policy}</p> : null}
      </Card>
      {open ? (
        <TestCheckoutForms sessionId={sessionId} />
      ) : (
        <p className="rounded-md bg-slate-100 px-4 py-3 text-slate-800">
          This checkout is {c.status === "pending" ? "expired" : c.status.replace("_", " ")}.{" "}
          <a className="underline" href={summary.returnPath}>
            Back to your {c.purchase.kind}
          </a>
          .
        </p>
      )}
    </div>
  );
}
