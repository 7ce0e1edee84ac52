"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { LocalTime } from "@/components/ui/local-time";

/** The first wait before asking again when an answer never came (the refresh failed); doubles up to a minute. */
const RETRY_MS = 5000;
const MAX_RETRY_MS = 60_000;

/**
 * "The room opens at …" in the reader's zone, counting down on the server's clock (`serverNow` is its
 * time at this render), so a browser whose clock is fast or slow opens the room when the server does.
 * At the opening it asks the server again (router.refresh()), once per answer: a new answer comes with
 * a new `serverNow`. If no answer comes (a failed refresh), it asks again after 5 s, then 10 s, … 1 min.
 */
export function RoomOpensAt({ opensAt, serverNow }: { opensAt: string; serverNow: string }) {
  const router = useRouter();
  const at = new Date(opensAt).getTime();
  const [left, setLeft] = useState<number | null>(null);
  const asked = useRef<{ answer: string; at: number; waitMs: number } | null>(null);
  useEffect(() => {
    // Read on arrival: the transfer makes this a little behind the server, so the page never asks early.
    const offset = Date.parse(serverNow) - Date.now();
    const tick = () => {
      const ms = at - (Date.now() + offset);
      setLeft(ms);
      if (ms > 0) return;
      const last = asked.current;
      const now = Date.now();
      if (last && last.answer === serverNow && now - last.at < last.waitMs) return;
      const waitMs = last && last.answer === serverNow ? Math.min(MAX_RETRY_MS, last.waitMs * 2) : RETRY_MS;
      asked.current = { answer: serverNow, at: now, waitMs };
      router.refresh();
    };
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [at, serverNow, router]);
  const mins = left === null ? null : Math.max(0, Math.ceil(left / 60_000));
  return (
    <p data-testid="room-opens-at">
      The room opens at <LocalTime iso={opensAt} />
      {mins !== null && mins > 0 ? (
        <> (in {mins >= 120 ? `${Math.round(mins / 60)} hours` : `${mins} minute${mins === 1 ? "" : "s"}`})</>
      ) : null}
      . This page opens it by itself then.
    </p>
  );
}
