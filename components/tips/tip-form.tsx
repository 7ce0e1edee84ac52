"use client";
import { useState } from "react";
import { centsToAmount, formatMoney, parseAmountToCents } from "@/lib/money";
import { callApi } from "@/components/room/api";

export type TipBounds = { minCents: number; maxCents: number; presets: readonly number[]; currency: string };

/**
 * A viewer's tip during a live room: a preset or a custom amount within the bounds, an optional message.
 * The checkout opens in a new tab (opened at the click, so no popup blocker stops it) and the room stays
 * connected; the tip shows in the room only when Stripe's signed webhook confirms it.
 */
export function TipForm({ room, bounds }: { room: { kind: "booking" | "show"; id: string }; bounds: TipBounds }) {
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<number | null>(bounds.presets[1] ?? bounds.presets[0] ?? null);
  const [custom, setCustom] = useState("");
  const [message, setMessage] = useState("");
  const [state, setState] = useState<{ kind: "idle" | "busy" | "sent" } | { kind: "error"; text: string }>({
    kind: "idle",
  });
  const money = (c: number) => formatMoney(c, bounds.currency);

  const send = async () => {
    const amountCents = custom.trim() ? parseAmountToCents(custom) : preset;
    if (amountCents === null || amountCents < bounds.minCents || amountCents > bounds.maxCents) {
      setState({
        kind: "error",
        text: `Choose an amount from ${money(bounds.minCents)} to ${money(bounds.maxCents)}.`,
      });
      return;
    }
    // Opened now, inside the click: a tab opened after an await is a popup most browsers block.
    const tab = window.open("", "_blank");
    setState({ kind: "busy" });
    const res = await callApi<{ tipId: string; checkoutUrl: string }>("/api/tips", {
      body: { room, amountCents, ...(message.trim() ? { message: message.trim() } : {}) },
    });
    if (!res.ok) {
      tab?.close();
      setState({ kind: "error", text: res.error });
      return;
    }
    if (tab) tab.location.href = res.data.checkoutUrl;
    else window.open(res.data.checkoutUrl, "_blank");
    setState({ kind: "sent" });
    setCustom("");
    setMessage("");
  };

  if (!open)
    return (
      <button
        type="button"
        data-testid="tip-open"
        onClick={() => {
          setOpen(true);
          setState({ kind: "idle" });
        }}
        className="rounded-full bg-emerald-600 px-4 py-2 text-sm font-semibold text-white hover:bg-emerald-500"
      >
        Send a tip
      </button>
    );

  return (
    <form
      className="space-y-3 rounded-xl border border-slate-700 bg-slate-900 p-4 text-sm"
      aria-label="Send a tip"
      data-testid="tip-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <fieldset className="flex flex-wrap gap-2">
        <legend className="mb-2 font-semibold">Amount</legend>
        {bounds.presets.map((c) => (
          <button
            key={c}
            type="button"
            aria-pressed={!custom && preset === c}
            data-testid={`tip-preset-${c}`}
            onClick={() => {
              setPreset(c);
              setCustom("");
            }}
            className={
              !custom && preset === c
                ? "rounded-full bg-emerald-600 px-3 py-1.5 font-semibold text-white"
                : "rounded-full border border-slate-600 px-3 py-1.5 hover:bg-slate-800"
            }
          >
            {money(c)}
          </button>
        ))}
        <label className="flex items-center gap-2">
          <span>Other</span>
          <input
            inputMode="decimal"
            value={custom}
            data-testid="tip-custom"
            onChange={(e) => setCustom(e.target.value)}
            placeholder={centsToAmount(bounds.minCents)}
            aria-describedby="tip-bounds"
            className="w-24 rounded-md border border-slate-600 bg-slate-950 px-2 py-1"
          />
        </label>
      </fieldset>
      <p id="tip-bounds" className="text-xs text-slate-400">
        From {money(bounds.minCents)} to {money(bounds.maxCents)}.
      </p>
      <label className="block">
        <span>Message (optional, shown in the room)</span>
        <input
          value={message}
          maxLength={140}
          data-testid="tip-message"
          onChange={(e) => setMessage(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1"
        />
      </label>
      {state.kind === "error" ? (
        <p role="alert" className="text-red-200">
          {state.text}
        </p>
      ) : state.kind === "sent" ? (
        <p role="status" data-testid="tip-sent" className="text-emerald-200">
          The payment opened in a new tab. Your tip shows here once the payment is confirmed; you stay connected.
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={state.kind === "busy"}
          data-testid="tip-submit"
          className="rounded-md bg-emerald-600 px-4 py-2 font-semibold text-white disabled:opacity-50"
        >
          {state.kind === "busy" ? "Opening the payment…" : "Continue to payment"}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="rounded-md px-3 py-2 text-slate-300 underline">
          Close
        </button>
      </div>
    </form>
  );
}

export type TipNotice = { tipId: string; from: string; amountCents: number; currency: string; message: string | null };

/** The tips confirmed in this room (newest first), as the server announced them. */
export function TipFeed({ tips }: { tips: TipNotice[] }) {
  if (!tips.length) return null;
  return (
    <ul className="space-y-1 text-sm" aria-label="Tips" data-testid="tip-feed">
      {tips.map((t) => (
        <li key={t.tipId} className="rounded-md bg-emerald-900/50 px-3 py-2 text-emerald-50" data-testid="tip-notice">
          <span className="font-semibold">{t.from}</span> tipped {formatMoney(t.amountCents, t.currency)}
          {t.message ? <>: “{t.message}”</> : null}
        </li>
      ))}
    </ul>
  );
}
