"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { LocalTime } from "@/components/ui/local-time";

/** "The room opens at …" in the reader's zone, counting down; the page reloads itself when it opens. */
export function RoomOpensAt({ opensAt }: { opensAt: string }) {
  const router = useRouter();
  const at = new Date(opensAt).getTime();
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => {
      const ms = at - Date.now();
      setLeft(ms);
      if (ms <= 0) router.refresh();
    };
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [at, router]);
  const mins = left === null ? null : Math.max(0, Math.ceil(left / 60_000));
  return (
    <p data-testid="room-opens-at">
      The room opens at <LocalTime iso={opensAt} />
      {mins !== null && mins > 0 ? <> (in {mins >= 120 ? `${Math.round(mins / 60)} hours` : `${mins} minute${mins === 1 ? "" : "s"}`})</> : null}. This page opens it by itself then.
    </p>
  );
}
