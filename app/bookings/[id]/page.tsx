import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminRefundForm, CancelBookingForm } from "@/components/bookings/booking-forms";
import { RefreshWhile } from "@/components/bookings/refresh-while";
import { RescheduleForm } from "@/components/bookings/reschedule-form";
import { Badge, Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { ReportForm } from "@/components/moderation/report-form";
import { requirePageUser } from "@/lib/auth/session";
import { cancellationPolicyText } from "@/lib/bookings/policy";
import { getBookingPage } from "@/lib/bookings/queries";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { listBookingRecordings } from "@/lib/recordings/access";

export const metadata: Metadata = { title: "Booking" };
export const dynamic = "force-dynamic";

const statusText = {
  pending_payment: "Awaiting payment",
  confirmed: "Confirmed",
  expired: "Not booked (the hold ran out)",
  cancelled: "Cancelled",
  completed: "Completed",
  disputed: "Disputed",
} as const;
const statusTone = {
  confirmed: "good",
  pending_payment: "warn",
  cancelled: "neutral",
  completed: "neutral",
  disputed: "bad",
  expired: "neutral",
} as const;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ checkout?: string }> };

export default async function BookingPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { checkout } = await searchParams;
  const user = await requirePageUser(`/bookings/${id}`);
  const view = await getBookingPage(user, id, checkout).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const { booking: b, role, trace, payment, confirming } = view;
  const recordings = await listBookingRecordings(user, b.id);
  const money = (c: number) => formatMoney(c, b.currency);

  return (
    <div className="space-y-6">
      <RefreshWhile active={confirming} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{b.offering.title}</h1>
          <p className="text-slate-600">
            {role === "creator" ? (
              <>with {b.viewer.name}</>
            ) : (
              <>
                with{" "}
                <Link className="underline" href={`/creators/${b.creator.slug}`}>
                  {b.creator.displayName}
                </Link>
              </>
            )}{" "}
            · <LocalTime iso={b.startsAt.toISOString()} /> · {b.offering.durationMinutes} minutes
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          {b.status === "confirmed" && role !== "admin" ? (
            // A full page load, not a client-side navigation: the camera and microphone are allowed by the
            // room page's own Permissions-Policy header, and a document keeps the policy it was loaded with.
            <a
              className="whitespace-nowrap rounded-md bg-brand px-3 py-1.5 text-sm font-semibold text-on-brand hover:opacity-90"
              href={`/sessions/${b.id}`}
              data-testid="join-session"
            >
              Join session
            </a>
          ) : null}
          {(b.status === "confirmed" || b.status === "completed") && role !== "admin" ? (
            <a
              className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
              href={`/bookings/${b.id}/calendar`}
              data-testid="add-to-calendar"
              download
            >
              Add to calendar
            </a>
          ) : null}
          <Badge tone={statusTone[b.status]}>
            <span data-testid="booking-status">{statusText[b.status]}</span>
          </Badge>
        </div>
      </div>

      {view.booked ? (
        <section
          aria-labelledby="booked-title"
          className="rounded-xl border border-green-200 bg-green-50 px-5 py-4 text-green-950"
          data-testid="booked"
        >
          <h2 id="booked-title" className="text-xl font-bold">
            You're booked
          </h2>
          <p className="mt-1">
            {b.offering.title} with {b.creator.displayName} on{" "}
            <strong>
              <LocalTime iso={view.booked.startsAt} />
            </strong>
            .
          </p>
          <h3 className="mt-3 font-semibold">What happens next</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
            {view.booked.next.map((n) => (
              <li key={n.text}>
                {n.text}
                {n.at ? <LocalTime iso={n.at} /> : null}
                {n.after}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.moved && b.status === "confirmed" ? (
        <p role="status" className="rounded-md bg-slate-100 px-4 py-3 text-slate-800" data-testid="moved">
          Moved by {view.moved.by} from <LocalTime iso={view.moved.fromStartsAt} />.
        </p>
      ) : null}
      {view.cancellation ? (
        <div className="rounded-md bg-slate-100 px-4 py-3 text-slate-800" data-testid="cancellation">
          <p>{view.cancellation.by ? `Cancelled by ${view.cancellation.by}.` : "Cancelled."}</p>
          {view.cancellation.reason ? (
            <p className="mt-1">
              Reason: <q data-testid="cancel-reason">{view.cancellation.reason}</q>
            </p>
          ) : null}
        </div>
      ) : null}
      {confirming ? (
        <p role="status" className="rounded-md bg-amber-50 px-4 py-3 text-amber-900" data-testid="confirming">
          Confirming your payment… This page updates by itself as soon as the payment provider tells us.
        </p>
      ) : null}
      {checkout === "cancelled" && b.status !== "confirmed" ? (
        <p role="status" className="rounded-md bg-slate-100 px-4 py-3 text-slate-800">
          Payment cancelled; nothing was charged.{" "}
          <Link className="underline" href={`/book/${b.offeringId}`}>
            Pick a time again
          </Link>
          .
        </p>
      ) : null}
      {view.resumeCheckoutUrl && b.holdExpiresAt ? (
        <p className="rounded-md bg-amber-50 px-4 py-3 text-amber-900">
          Your time is held until <LocalTime iso={b.holdExpiresAt.toISOString()} />.{" "}
          <a className="font-semibold underline" href={view.resumeCheckoutUrl}>
            Complete the payment
          </a>
        </p>
      ) : null}

      <Card title="Receipt">
        {payment ? (
          <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm" data-testid="receipt">
            <dt className="font-medium">Amount</dt>
            <dd>{money(payment.amountCents)}</dd>
            <dt className="font-medium">Payment</dt>
            <dd data-testid="payment-status">{payment.status.replace("_", " ")}</dd>
            {payment.paidAt ? (
              <>
                <dt className="font-medium">Paid</dt>
                <dd>
                  <LocalTime iso={payment.paidAt.toISOString()} />
                </dd>
              </>
            ) : null}
            {payment.refundedCents > 0 ? (
              <>
                <dt className="font-medium">Refunded</dt>
                <dd data-testid="refunded">{money(payment.refundedCents)}</dd>
              </>
            ) : null}
            <dt className="font-medium">Reference</dt>
            <dd className="break-all font-mono text-xs">{b.id}</dd>
          </dl>
        ) : (
          <p className="text-sm text-slate-600">No payment yet.</p>
        )}
        {b.payments.flatMap((p) => p.refunds).length ? (
          <ul className="mt-3 space-y-1 text-sm" data-testid="refund-list">
            {b.payments
              .flatMap((p) => p.refunds)
              .map((r) => (
                <li key={r.id}>
                  Refund {money(r.amountCents)} · {r.status} · {r.reason.replaceAll("_", " ")}
                </li>
              ))}
          </ul>
        ) : null}
        <p className="mt-3 text-xs text-slate-500">{cancellationPolicyText(b.freeCancellationHours)}</p>
      </Card>

      {recordings.length ? (
        <Card title="Recordings">
          <ul className="space-y-1 text-sm" data-testid="booking-recordings">
            {recordings.map((r) => (
              <li key={r.id}>
                {r.playable ? (
                  <Link className="font-medium text-brand underline" href={`/recordings/${r.id}`}>
                    {r.label}
                  </Link>
                ) : (
                  r.label
                )}
                {` · ${r.durationMs !== null ? `${Math.round(r.durationMs / 1000)} s · ` : ""}${r.deleted ? "deleted after its retention period" : r.status}`}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {view.reschedule ? (
        <Card title="Reschedule">
          {view.reschedule.allowed ? (
            <RescheduleForm
              bookingId={b.id}
              currentStartsAt={b.startsAt.toISOString()}
              slots={view.reschedule.slots}
              priceNote={view.reschedule.priceNote}
            />
          ) : (
            <p className="text-sm text-slate-700" data-testid="reschedule-closed">
              {view.reschedule.why}
            </p>
          )}
        </Card>
      ) : null}

      {view.cancelForm ? (
        <Card title="Cancel">
          <CancelBookingForm bookingId={b.id} {...view.cancelForm} />
        </Card>
      ) : null}

      {role !== "admin" && b.status !== "pending_payment" && b.status !== "expired" ? (
        <div data-testid="report-booking">
          <ReportForm
            context="booking"
            bookingId={b.id}
            subjectName={role === "creator" ? b.viewer.name : b.creator.displayName}
          />
        </div>
      ) : null}

      {role === "admin" ? (
        <>
          {view.adminRefundable !== null ? (
            <Card title="Refund (admin)">
              <AdminRefundForm bookingId={b.id} maxLabel={money(view.adminRefundable)} />
            </Card>
          ) : null}
          <Card
            title="Trace"
            actions={
              <Link
                className="text-sm font-medium text-brand underline"
                href={`/admin/sessions/${b.id}`}
                data-testid="support-view"
              >
                Support view
              </Link>
            }
          >
            <p className="mb-2 break-all font-mono text-xs text-slate-500">trace {b.traceId}</p>
            <ol className="space-y-1 text-sm" data-testid="trace">
              {trace.map((e) => (
                <li
                  key={String(e.id)}
                  className="grid min-w-0 grid-cols-1 gap-x-2 border-b border-slate-100 pb-1 sm:grid-cols-[12rem_12rem_minmax(0,1fr)]"
                >
                  <LocalTime iso={e.occurredAt.toISOString()} />
                  <span className="font-medium">
                    {e.type} <span className="text-slate-500">({e.source})</span>
                  </span>
                  <code className="break-all text-xs text-slate-600 sm:truncate">{JSON.stringify(e.payload)}</code>
                </li>
              ))}
            </ol>
          </Card>
        </>
      ) : null}
    </div>
  );
}
