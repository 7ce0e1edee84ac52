"use client";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { STATUS_TEXT } from "@/lib/sessions/rules/connect-policy";
import type { Ended } from "./use-room-join";

/** A room's screens around the call, shared by private sessions and shows: connecting, failed, ended. */
export function Connecting({ text, onCancel }: { text: string; onCancel: () => void }) {
  return (
    <div className="flex min-h-64 flex-col items-center justify-center gap-4 text-center">
      <span className="h-8 w-8 animate-spin rounded-full border-4 border-slate-600 border-t-slate-100" aria-hidden />
      <p role="status" aria-live="polite" data-testid="room-status" className="text-lg">
        {text}
      </p>
      <button type="button" className="text-sm text-slate-400 underline" onClick={onCancel} data-testid="cancel-join">
        Cancel
      </button>
    </div>
  );
}

export function Failed({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="mx-auto max-w-xl space-y-4 py-8 text-center">
      <p role="status" data-testid="room-status" className="text-lg font-semibold">
        {STATUS_TEXT.failed}
      </p>
      <p role="alert" className="text-slate-300">
        {message}
      </p>
      <button type="button" onClick={onRetry} className="rounded-md bg-brand px-5 py-2 font-semibold text-on-brand">
        Try again
      </button>
    </div>
  );
}

export function EndedScreen({
  ended,
  onRejoin,
  back,
}: {
  ended: Ended;
  onRejoin: () => void;
  back: { href: string; label: string };
}) {
  return (
    <div className="mx-auto max-w-xl space-y-4 py-8 text-center" data-testid="room-ended" data-reason={ended.reason}>
      <EndedHeading text={ended.text} />
      <div className="flex flex-wrap justify-center gap-3">
        {ended.canRejoin ? (
          <button
            type="button"
            onClick={onRejoin}
            className="rounded-md bg-brand px-5 py-2 font-semibold text-on-brand"
          >
            Join again
          </button>
        ) : null}
        <Link href={back.href} className="rounded-md border border-slate-500 px-5 py-2 font-medium hover:bg-slate-800">
          {back.label}
        </Link>
      </div>
    </div>
  );
}

/** The end screen's heading, focused as it appears: Leave unmounts the call, and focus must not fall to <body>. */
function EndedHeading({ text }: { text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h2 ref={ref} tabIndex={-1} data-testid="room-status" className="text-lg font-semibold outline-none">
      {text}
    </h2>
  );
}
